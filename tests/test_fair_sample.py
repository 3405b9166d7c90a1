"""The default run's sample of a browser matrix (tests/conftest.py, `fair_sample`): every value
of every parameter at least once, in few combinations, the same ones each run."""

import itertools
from types import SimpleNamespace

from tests.conftest import fair_sample


def _matrix(**parameters):
    names = list(parameters)
    return [
        SimpleNamespace(callspec=SimpleNamespace(params=dict(zip(names, values, strict=True))))
        for values in itertools.product(*parameters.values())
    ]


def _params(items):
    return [tuple(item.callspec.params.values()) for item in items]


def test_devices_by_languages_gives_two_crossed_pairs():
    sample = fair_sample(_matrix(device=["mobile", "desktop"], lang=["fr", "en"]))
    assert _params(sample) == [("mobile", "fr"), ("desktop", "en")]


def test_every_page_device_and_language_is_in_the_sample_of_a_larger_matrix():
    parameters = {
        "device": ["mobile", "desktop"],
        "page": ["about", "privacy", "accessibility", "home"],
        "lang": ["fr", "en"],
    }
    sample = fair_sample(_matrix(**parameters))
    assert len(sample) == 4
    for position, values in enumerate(parameters.values()):
        assert {combination[position] for combination in _params(sample)} == set(values)
    assert _params(sample) == _params(fair_sample(_matrix(**parameters)))
    # Languages alternate over the pages rather than all falling on French.
    assert [lang for *_, lang in _params(sample)].count("en") == 2


def test_a_single_parameter_keeps_every_value():
    assert len(fair_sample(_matrix(lang=["fr", "en"]))) == 2
