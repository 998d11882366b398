"""The status and stage names live in a leaf module beneath the workflow table, and the order of the statuses is
read from the path, not kept by hand."""

import ast
from pathlib import Path

from grants import states, workflow
from grants.models import SpendingPlan
from grants.states import PlanStatus, Stage


def test_the_names_module_imports_nothing_from_the_app():
    tree = ast.parse(Path(states.__file__).read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and all(not (name or "").startswith(("grants", "partnerships", "priorities")) for name in imported)


def test_the_models_and_the_workflow_use_the_same_names():
    assert SpendingPlan.Status is PlanStatus
    assert workflow.Status is PlanStatus and workflow.Stage is Stage


def test_the_status_order_follows_the_path():
    S = PlanStatus
    assert workflow._ORDER == {
        S.DRAFT: 0,
        S.RETURNED: 0,
        S.SUBMITTED: 1,
        S.EXECUTIVE_AGREED: 2,
        S.BOARD_APPROVED: 3,
        S.OPCC_SCRUTINY: 4,
        S.OPCC_RECOMMENDED: 5,
        S.APPROVED: 6,
        S.DECLINED: 6,
    }
    assert set(workflow._ORDER) == set(PlanStatus)
    # Each step of the path is done at a later status than the one before it.
    done = [workflow._ORDER[step.passed_at] for step in workflow.PATH]
    assert done == sorted(done) and len(set(done)) == len(done)
