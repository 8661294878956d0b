"""The move form's unbound rendering in Python (MoveForm.render) writes the form templates' exact
markup, for every set of moves, with and without the override, in both languages."""

import pytest
from django import forms
from django.utils import translation

from presales.opportunities.choices import Stage
from presales.opportunities.forms import MoveForm
from presales.opportunities.workflow import Move


def moves(*targets):
    return [Move(target=t, kind="forward", permitted=True, reasons=(), can_override=False) for t in targets]


CASES = [
    moves(Stage.DISCOVERY, Stage.LOST, Stage.ABANDONED),
    moves(Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION, Stage.LOST, Stage.ABANDONED, Stage.DISCOVERY),
    moves(Stage.WON),
    [],  # no moves given: the field's own choices
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("can_override", [True, False])
@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("version", [1, 17, None])
def test_python_rendering_is_the_templates(language, can_override, case, version):
    with translation.override(language):
        form = MoveForm(moves=CASES[case], can_override=can_override, initial={"version": version})
        html = form._unbound_html()
        assert html is not None
        assert html == forms.Form.render(form)
        assert str(form) == form.__html__() == form.render() == html  # `{{ form }}` takes this path


def test_other_forms_go_through_the_templates():
    bound = MoveForm({"to_stage": "lost", "reason": "", "version": "1"}, moves=moves(Stage.LOST))
    assert bound._unbound_html() is None
    assert str(bound) == forms.Form.render(bound)
    chosen = MoveForm(moves=moves(Stage.LOST, Stage.ABANDONED), initial={"to_stage": "lost", "version": 1})
    assert chosen._unbound_html() is None
    assert 'value="lost" selected' in str(chosen)
    prefixed = MoveForm(moves=moves(Stage.LOST), prefix="m")
    assert prefixed._unbound_html() is None
