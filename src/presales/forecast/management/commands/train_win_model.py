"""`presales train_win_model`: train the win-probability model on the closed opportunities,
evaluate it on the most recent quarter of them, estimate the open ones."""

from django.core.management.base import BaseCommand, CommandError

from presales.core.errors import DomainError
from presales.forecast.services import win_model_train


class Command(BaseCommand):
    help = (
        "Train the win-probability model (won vs lost), evaluate it on a time-ordered holdout, "
        "estimate the open opportunities."
    )

    def handle(self, *args, verbosity, **options):
        try:
            model = win_model_train()
        except DomainError as refused:
            raise CommandError(str(refused.message)) from None
        if verbosity:
            auc = "—" if model.auc is None else f"{model.auc:.3f}"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Win model v{model.version}: {model.sample_size} closed opportunities "
                    f"({model.train_size} training, {model.holdout_size} holdout); holdout AUC {auc}, "
                    f"Brier {model.brier:.4f} (constant baseline {model.baseline_brier:.4f}); "
                    f"{model.predictions_count} open opportunities estimated."
                )
            )
