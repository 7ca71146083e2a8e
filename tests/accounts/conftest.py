import pytest

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def alice(db, django_user_model):
    return django_user_model.objects.create_user(
        "alice", email="alice@example.com", password=PASSWORD
    )
