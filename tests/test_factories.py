"""Every model has a factory, and every factory makes a valid object (model rules and database constraints)."""

import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

import tests.factories as factories

FACTORIES = [
    obj for name, obj in vars(factories).items() if inspect.isclass(obj) and issubclass(obj, DjangoModelFactory)
]


def test_every_model_of_the_product_has_a_factory():
    covered = {factory._meta.model for factory in FACTORIES}
    ours = {"partnerships", "priorities", "grants"}
    models = {
        model
        for model in apps.get_models()
        if model._meta.app_label in ours and not model.__name__.startswith("Historical")  # django-simple-history's
    }
    assert models - covered == set()


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_valid_object(factory):
    obj = factory()
    obj.full_clean()
