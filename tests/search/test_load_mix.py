"""The load test's traffic (search/bench/load.py): thousands of distinct addresses that all work,
so that a load test measures pages, not 404s or a cache answering a handful of addresses."""

import random

import pytest

from search.bench.load import KINDS, build_mix

pytestmark = pytest.mark.django_db


def test_the_mix_holds_over_a_thousand_distinct_addresses_of_every_kind(demo_data):
    mix = build_mix(seed=1, size=1500)
    assert set(mix) == {kind.name for kind in KINDS}
    assert sum(len(paths) for paths in mix.values()) > 4000
    assert len(mix["results"]) >= 1000
    assert len(mix["api"]) >= 1000
    assert {"/fr/", "/en/"} == set(mix["home"])
    assert len(mix["service"]) > 400  # every demo service, in both languages
    for paths in mix.values():
        assert len(paths) == len(set(paths))


def test_the_same_seed_gives_the_same_queries(demo_data):
    first, second = build_mix(seed=7, size=200), build_mix(seed=7, size=200)
    assert first["results"] == second["results"]
    assert first["api"] == second["api"]
    assert build_mix(seed=8, size=200)["results"] != first["results"]


def test_a_sample_of_every_kind_answers_200(client, demo_data):
    mix = build_mix(seed=1, size=300)
    sample = random.Random(3)
    for name, paths in mix.items():
        for path in sample.sample(paths, min(15, len(paths))):
            response = client.get(path, HTTP_HOST="localhost")
            assert response.status_code == 200, (name, path, response.status_code)


def test_english_pages_are_at_their_english_addresses(demo_data):
    mix = build_mix(seed=1, size=100)
    english = [path for paths in mix.values() for path in paths if path.startswith("/en/")]
    assert english
    assert not [path for path in english if "/recherche/" in path or "/secteurs/" in path]
