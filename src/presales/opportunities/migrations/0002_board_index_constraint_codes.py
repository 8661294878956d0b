# The board's index (stage, expected close date) and error codes on the amount constraints, so
# that a violation is reported on its form field.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('opportunities', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['stage', 'expected_close_on'], name='opportuniti_stage_d2c282_idx'),
        ),
        migrations.AlterConstraint(
            model_name='opportunity',
            name='opportunity_amount_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('estimated_amount__isnull', True), ('estimated_amount__gte', 0), _connector='OR'), name='opportunity_amount_not_negative', violation_error_code='amount_negative', violation_error_message='The amount cannot be negative.'),
        ),
        migrations.AlterConstraint(
            model_name='opportunity',
            name='opportunity_budget_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('budget__isnull', True), ('budget__gte', 0), _connector='OR'), name='opportunity_budget_not_negative', violation_error_code='budget_negative', violation_error_message='The budget cannot be negative.'),
        ),
    ]
