"""The case factory of the case tests, for the statistics tests."""

from rogatory.cases.tests.conftest import make_case

__all__ = ["make_case"]
