from rogatory.cases.tests.conftest import make_case  # noqa: F401 - shared fixture
