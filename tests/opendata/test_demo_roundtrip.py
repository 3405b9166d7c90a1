"""The demo directory survives export → import into an empty directory → export unchanged."""

import json

import pytest
from django.core.management import call_command

from opendata.hsds import validation
from resources.models import Location
from tests.opendata.helpers import assert_round_trip_identical


@pytest.mark.django_db
@pytest.mark.parametrize(("file_format", "language"), [("json", "fr"), ("csv", "en")])
def test_demo_directory_round_trip_is_byte_identical(demo_data, tmp_path, file_format, language):
    assert_round_trip_identical(tmp_path, file_format, language)


@pytest.mark.django_db
def test_demo_export_validates_and_hides_every_confidential_address(demo_data, tmp_path):
    call_command("export_hsds", tmp_path)
    services = json.loads((tmp_path / "services.json").read_text())
    assert len(services) > 100
    for service in services:
        assert validation.errors("service", service) == []
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    hidden = Location.objects.filter(is_confidential=True)
    assert hidden.exists()
    for location in hidden:
        for secret in (location.address_1, location.postal_code, str(location.latitude)):
            if secret and secret != "None":
                assert secret not in text
