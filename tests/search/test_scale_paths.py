"""The access paths that keep the search's cost from following the directory's size
(docs/scale.md): partial matches reached through the clauses whose words are not everywhere,
and sector searches planned on the index. PostgreSQL only: both read its planner's state."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from resources.models import OpeningPeriod, ScheduleClosure, Service, ServiceArea
from resources.models.schedules import local_zone
from resources.statutory_holidays import quebec_holidays
from search import engine_postgres
from search.finder import find
from search.models import SearchEntry, week_hour, week_hours, whole_hours
from tests.factories import make_schedule, make_service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]


@pytest.fixture
def directory():
    common = "Ateliers de jardinage collectif."
    made = {
        "everywhere": [
            make_service(name_fr=f"Jardin {n}", description_fr=common) for n in range(8)
        ],
        "both": make_service(name_fr="Cyclo", description_fr="Ateliers de réparation de vélos."),
        "rare only": make_service(name_fr="Roue libre", description_fr="Réparation de vélos."),
        "other": make_service(name_fr="Friperie", description_fr="Vêtements."),
    }
    call_command("rebuild_search_index", stdout=io.StringIO())  # ANALYZE, statistics forgotten
    yield made
    engine_postgres._statistics["read"] = None


def partial(query):
    outcome = find({"q": query}).outcome
    return [hit.service.slug for hit in outcome.partial]


def test_a_clause_of_words_found_everywhere_does_not_reach_partial_matches(directory, monkeypatch):
    query = "ateliers vélos"
    every_clause = set(partial(query))
    assert {s.slug for s in directory["everywhere"]} <= every_clause  # reached by "ateliers"
    assert directory["rare only"].slug in every_clause

    monkeypatch.setattr(engine_postgres, "COMMON_ROWS", 5)  # "ateliers": 9 of 11 rows, "vélos" 2
    engine_postgres._statistics["read"] = None
    reached = partial(query)

    assert directory["rare only"].slug in reached  # reached by "vélos"
    assert not {s.slug for s in directory["everywhere"]} & set(reached)
    assert directory["other"].slug not in reached


def test_only_common_clauses_keep_reaching_through_all(directory, monkeypatch):
    monkeypatch.setattr(engine_postgres, "COMMON_ROWS", 0)  # every word is common
    engine_postgres._statistics["read"] = None
    assert {s.slug for s in directory["everywhere"]} <= set(partial("ateliers vélos"))


def test_a_sector_search_is_planned_on_the_index(directory):
    with CaptureQueriesContext(connection) as queries:
        find({"sector": "food", "lat": "45.742", "lon": "-73.450", "open_now": "on"})
    sql = [q["sql"] for q in queries.captured_queries]
    setting = next(i for i, q in enumerate(sql) if "enable_seqscan" in q)
    main = next(i for i, q in enumerate(sql) if "search:main" in q)
    assert setting < main
    with CaptureQueriesContext(connection) as queries:
        find({"sector": "food"})  # the sector alone: its listing, no setting needed
    assert not any("enable_seqscan" in q["sql"] for q in queries.captured_queries)


def test_open_now_finds_the_same_services_with_the_weekly_hours_first(monkeypatch):
    """Every hour of the week, at its first and last minute: the weekly hours in the row let
    through every service the periods say is open (overnight and week-end periods included)."""
    periods = {
        "Jour": [(0, "09:00", "17:00")],
        "Nuit": [(0, "22:00", "06:00")],
        "Dimanche soir": [(6, "23:30", "01:30")],
        "Demi-heure": [(4, "16:00", "16:30")],
        "Toute la journée": [(2, "00:00", "00:00")],
    }
    for name, weekly in periods.items():
        make_schedule(weekly, service=make_service(name_fr=name, scope="mrc"))
    call_command("rebuild_search_index", stdout=io.StringIO())
    monday = datetime.datetime(2026, 11, 23, tzinfo=local_zone())

    def open_at(moment):
        found = find({"open_now": "on"}, now=moment).outcome
        return sorted(hit.service.name for hit in found.hits)

    seen, hours = {}, []
    for hour in range(168):
        for minute in (0, 59):
            moment = monday + datetime.timedelta(hours=hour, minutes=minute)
            with CaptureQueriesContext(connection) as queries:
                seen[moment] = open_at(moment)
            hours.append(any("get_bit(e.open_hours" in q["sql"] for q in queries))
    assert all(hours)
    assert seen[monday + datetime.timedelta(hours=10)] == ["Jour"]
    assert seen[monday + datetime.timedelta(days=7, hours=-1, minutes=59)] == ["Dimanche soir"]
    assert seen[monday + datetime.timedelta(hours=1, minutes=0)] == ["Dimanche soir"]

    monkeypatch.setattr(
        engine_postgres.PostgresEngine, "open_hours_condition", lambda self, *a: None
    )
    assert {moment: open_at(moment) for moment in seen} == seen


def _week_with_a_holiday():
    """(the Monday 0:00 of a week to come that holds a statutory holiday, that holiday)."""
    today = datetime.date.today()
    first = min(
        day
        for year in (today.year, today.year + 1)
        for day in quebec_holidays(year)
        if day >= today + datetime.timedelta(days=14)
    )
    monday = first - datetime.timedelta(days=first.weekday())
    return datetime.datetime.combine(monday, datetime.time(), tzinfo=local_zone()), first


def _bits(hours):
    return [n for n in range(168) if hours and hours[n // 8] >> (n % 8) & 1]


def test_open_now_finds_the_same_services_with_the_whole_hours_first(monkeypatch):
    """Every hour of a week holding a statutory holiday, at its first and last minute: a
    service whose plain periods hold the whole hour is found without a lookup, and the
    services found are those the periods say are open (closures, rules, validity dates and
    the holiday included)."""
    monday, holiday = _week_with_a_holiday()
    day = monday.date()
    weekdays = [(n, "09:00", "17:00") for n in range(5)]
    made = {
        "Bureau": make_schedule([(n, "08:30", "16:30") for n in range(5)]),
        "Toujours": make_schedule(
            [(n, "00:00", "00:00") for n in range(7)], closed_on_holidays=False
        ),
        "Nuit": make_schedule([(n, "21:00", "08:00") for n in range(7)]),
        "Fermé deux jours": make_schedule(weekdays),
        "Saisonnier": make_schedule(weekdays, valid_from=day + datetime.timedelta(days=2)),
        "Aux deux semaines": make_schedule([(2, "10:00", "14:00")]),
    }
    ScheduleClosure.objects.create(
        schedule=made["Fermé deux jours"],
        start_date=day + datetime.timedelta(days=1),
        end_date=day + datetime.timedelta(days=2),
    )
    OpeningPeriod.objects.filter(schedule=made["Aux deux semaines"]).update(
        interval=2, starts_on=day - datetime.timedelta(days=5)
    )
    for name, schedule in made.items():
        Service.objects.filter(pk=schedule.service_id).update(name_fr=name)
        ServiceArea.objects.create(service_id=schedule.service_id, scope="mrc")
    call_command("rebuild_search_index", stdout=io.StringIO())

    whole = {
        entry.service.name_fr: _bits(entry.whole_hours)
        for entry in SearchEntry.objects.select_related("service")
    }
    assert whole["Bureau"] == [d * 24 + h for d in range(5) for h in range(9, 16)]
    assert whole["Toujours"] == list(range(168))
    assert whole["Nuit"] == sorted(
        (d * 24 + h) % 168 for d in range(7) for h in (*range(21, 24), *range(24, 32))
    )
    # A closure, validity dates, a rule: looked up as before.
    assert whole["Fermé deux jours"] == whole["Saisonnier"] == whole["Aux deux semaines"] == []

    def open_at(moment):
        with CaptureQueriesContext(connection) as queries:
            found = find({"open_now": "on"}, now=moment).outcome
        shortcut = any("get_bit(e.whole_hours" in q["sql"] for q in queries)
        return sorted(hit.service.name for hit in found.hits), shortcut

    seen, shortcuts = {}, {}
    for hour in range(168):
        for minute in (0, 59):
            moment = monday + datetime.timedelta(hours=hour, minutes=minute)
            seen[moment], shortcuts[moment] = open_at(moment)
    at = {moment.date(): moment for moment in seen}
    # Not on the holiday, nor the morning after (a period opened on the holiday runs on).
    after = holiday + datetime.timedelta(days=1)
    assert {m.date() for m, used in shortcuts.items() if not used} == (
        {holiday, after} if after < day + datetime.timedelta(days=7) else {holiday}
    )
    tuesday = monday + datetime.timedelta(days=1, hours=10)
    assert "Fermé deux jours" not in seen[tuesday][0] and "Bureau" in seen[tuesday][0]
    assert "Toujours" in seen[at[holiday].replace(hour=10)][0]
    assert "Bureau" not in seen[at[holiday].replace(hour=10)][0]

    monkeypatch.setattr(
        engine_postgres.PostgresEngine, "whole_hours_condition", lambda self, *a: None
    )
    assert {moment: open_at(moment)[0] for moment in seen} == seen


def test_a_closure_added_takes_its_schedule_out_of_the_whole_hours():
    """A closure saved in the admin (or by an import, one by one) rewrites the service's
    index row: during it the service is not open, and its hours go back to the lookup."""
    monday, _holiday = _week_with_a_holiday()
    schedule = make_schedule([(n, "09:00", "17:00") for n in range(5)])
    ServiceArea.objects.create(service_id=schedule.service_id, scope="mrc")
    call_command("rebuild_search_index", stdout=io.StringIO())
    entry = SearchEntry.objects.get(service_id=schedule.service_id)
    assert len(_bits(entry.whole_hours)) == 5 * 8
    tuesday = monday + datetime.timedelta(days=1, hours=10)
    assert len(find({"open_now": "on"}, now=tuesday).outcome.hits) == 1

    ScheduleClosure.objects.create(
        schedule=schedule, start_date=tuesday.date(), end_date=tuesday.date()
    )
    entry = SearchEntry.objects.get(service_id=schedule.service_id)  # rewritten
    assert _bits(entry.whole_hours) == []
    assert find({"open_now": "on"}, now=tuesday).outcome.hits == []


def test_whole_hours_hold_the_hours_wholly_inside_a_period():
    assert _bits(whole_hours([(0, 540, 1020)])) == list(range(9, 17))  # 9:00 to 17:00
    assert _bits(whole_hours([(0, 510, 990)])) == list(range(9, 16))  # 8:30 to 16:30
    assert _bits(whole_hours([(6, 1410, 1530)])) == [0]  # Sunday 23:30 to Monday 1:30
    assert _bits(whole_hours([(4, 960, 990)])) == []  # half an hour
    assert _bits(whole_hours([(2, 0, 1440)])) == list(range(48, 72))  # the whole day


def test_weekly_hours_hold_the_hours_a_period_is_open_in():
    def bits(periods):
        hours = week_hours(periods)
        return [n for n in range(168) if hours[n // 8] >> (n % 8) & 1]

    assert bits([(0, 540, 1020)]) == list(range(9, 17))  # 9:00 to 17:00: 9 h to 16 h
    assert bits([(6, 1410, 1530)]) == [0, 1, 167]  # Sunday 23:30 to Monday 1:30
    assert bits([(4, 960, 990)]) == [4 * 24 + 16]
    assert week_hour(4, 16 * 60 + 29) == 4 * 24 + 16


def text_of_main_query(params):
    """(slugs found, the tsquery texts the search's main statement was given)."""
    with CaptureQueriesContext(connection) as queries:
        outcome = find(params).outcome
    main = [q["sql"] for q in queries.captured_queries if "search:main" in q["sql"]]
    return [hit.service.slug for hit in outcome.hits], main


def test_a_long_stem_stands_for_the_document_lexemes_under_it_not_a_prefix():
    made = [
        make_service(name_fr="Comptoir alimentaire"),
        make_service(name_fr="Cuisine", description_fr="Ateliers d'alimentation saine."),
        make_service(name_fr="Dépannage", description_fr="Aliments secs et conserves."),
        make_service(name_fr="Alimentaires", description_en="Groceries."),
    ]
    other = make_service(name_fr="Aide aux devoirs", description_fr="Alibi, alizé.")
    call_command("rebuild_search_index", stdout=io.StringIO())

    found, main = text_of_main_query({"q": "aliment"})

    assert sorted(found) == sorted(s.slug for s in made)
    assert other.slug not in found
    # The stem "aliment" as the lexemes of the vocabulary's words under it ("alimentair",
    # "alimentation", "aliment"...), each read exactly from the index.
    assert main and all(":*" not in sql for sql in main)
    assert all("'alimentair'" in sql and "'aliment'" in sql for sql in main)


def test_a_stem_over_too_many_words_stays_a_prefix():
    words = " ".join(f"zorblat{a}{b}" for a in "abcdefgh" for b in "abcdefg")  # 56 words
    crowded = make_service(name_fr="Zorblat", description_fr=words)
    single = make_service(name_fr="Autre", description_fr="Un zorblatzz seul.")
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert len(words.split()) > engine_postgres.EXPANSION_WORDS

    found, main = text_of_main_query({"q": "zorblat"})

    assert sorted(found) == sorted([crowded.slug, single.slug])
    assert main and all("zorblat'':*" in sql for sql in main)  # quoted as SQL


def searched(params):
    """(slugs found in order, whether the search allowed table scans again)."""
    with CaptureQueriesContext(connection) as queries:
        outcome = find(params).outcome
    allowed = any("'enable_seqscan', 'on'" in q["sql"] for q in queries.captured_queries)
    return [hit.service.slug for hit in outcome.hits], allowed


def test_a_word_held_by_most_rows_may_be_read_in_table_order(directory, monkeypatch):
    # "ateliers": 9 of 11 index rows; "vélos": 2. A small directory keeps the index.
    assert searched({"q": "ateliers"})[1] is False
    monkeypatch.setattr(engine_postgres, "DENSE_ROWS", 3)
    dense, allowed = searched({"q": "ateliers"})
    assert allowed
    assert len(dense) == 9
    # Read from the table's first page, whatever another scan of it is doing: the same first
    # rows for every request (the setting lasts the search's transaction, the test's here).
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronize_seqscans')")
        assert cursor.fetchone()[0] == "off"
    assert searched({"q": "vélos"})[1] is False
    assert searched({"q": "ateliers vélos"})[1] is False  # one clause is rare: the index
    assert searched({"q": "ateliers", "lat": "45.742", "lon": "-73.450"})[1] is False

    monkeypatch.setattr(engine_postgres, "DENSE_SHARE", 1.1)  # never dense: the index
    assert searched({"q": "ateliers"}) == (dense, False)  # the same services, in the same order


def test_two_needs_are_both_read_from_the_index():
    """A query of two needs met by different sectors ("caregiver" and "support group"): the
    rows are those both needs' bitmaps hold, not the rows of one need with the other's words
    tested on each (a read of its document from TOAST: at 100,000 services 3,190 documents for
    1,001 matches, 17.5 ms; ANDed, 12.3). The planner chose the first while it priced a random
    page read as a disk seek (engine_postgres.PLANNER_SETTINGS)."""
    call_command("generate_bench_data", services=3000, seed=1, stdout=io.StringIO())
    with transaction.atomic():  # the search's settings last until its end
        with CaptureQueriesContext(connection) as queries:
            found = find({"q": "caregiver support group"}).outcome
        main = next(q["sql"] for q in queries.captured_queries if "search:main" in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {main}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert found.total > 0
    assert "BitmapAnd" in plan
    assert "Filter: is_primary\n" in plan + "\n"  # no document tested row by row


def test_a_sector_near_a_place_finds_the_same_through_the_pairs(monkeypatch):
    """A sector near a place reads its rows through the pairs of sector and served key
    (`sector_served`, migration 0020: the territories' negative codes included) and finds,
    counts and orders the same services, the services apart too, as with the sector and the
    place tested apart; so do the partial matches reached through the needs' sectors."""
    call_command("generate_bench_data", services=600, seed=1, stdout=io.StringIO())
    places = [
        {"municipality": "repentigny"},
        {"municipality": "l-assomption"},
        {"lat": "45.742", "lon": "-73.450"},
        {"lat": "45.509", "lon": "-73.562"},
    ]
    extras = [{}, {"open_now": "on"}, {"wheelchair": "on", "page": "2"}, {"sort": "name"}]
    searches = [
        {"sector": sector, **place, **extra}
        for sector in ("food", "health", "homelessness", "employment")
        for place in places
        for extra in extras
    ]
    # Needs read in the words: their sectors near the place reach the partial matches.
    needs = [
        {"q": q, **place}
        for q in (
            "j'ai perdu ma job pis j'ai pus d'argent pour l'épicerie",
            "my kids need winter coats and boots before the cold",
            "je veux en finir, je n'en peux plus",
        )
        for place in places
    ]
    moment = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=local_zone())

    def outcome(params):
        with CaptureQueriesContext(connection) as queries:
            found = find(params, now=moment).outcome
        statements = [q["sql"] for q in queries.captured_queries if "/* search:" in q["sql"]]
        kind = "partial" if "q" in params else "main"
        return (
            [hit.service.pk for hit in found.hits],
            found.total,
            [hit.service.pk for hit in found.apart],
            [(hit.service.pk, hit.matched) for hit in found.partial],
        ), [f"search:{kind}" in s and "e.sector_served &&" in s for s in statements]

    paired = [outcome(params) for params in searches + needs]
    assert all(all(used) for _found, used in paired[: len(searches)])
    assert all(any(used) for _found, used in paired[len(searches) :])
    assert sum(bool(found[0]) for found, _used in paired) > len(searches) // 2
    assert any(found[2] for found, _used in paired)  # services apart, from the sector alone
    assert sum(bool(found[3]) for found, _used in paired) >= len(needs) // 2

    monkeypatch.setattr(engine_postgres.PostgresEngine, "sector_serving", lambda self, *a: None)
    apart = [outcome(params) for params in searches + needs]
    assert not any(any(used) for _found, used in apart)
    assert [found for found, _used in apart] == [found for found, _used in paired]
