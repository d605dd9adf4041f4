from datetime import UTC, date, datetime, timedelta, timezone

from mentorat.mail.dates import date_fr, datetime_fr, time_fr

NBSP = "\u00a0"


def test_a_date_reads_with_its_weekday():
    assert date_fr(date(2027, 1, 5)) == "mardi 5 janvier 2027"
    assert date_fr(date(2027, 1, 5), weekday=False) == "5 janvier 2027"


def test_the_first_of_the_month_is_an_ordinal():
    assert date_fr(date(2026, 10, 1)) == "jeudi 1er octobre 2026"


def test_times_are_shown_in_paris_in_winter_and_in_summer():
    assert datetime_fr(datetime(2027, 1, 4, 13, 0, tzinfo=UTC)) == (
        f"lundi 4 janvier 2027 à 14{NBSP}h{NBSP}00"
    )
    assert time_fr(datetime(2027, 6, 10, 12, 5, tzinfo=UTC)) == f"14{NBSP}h{NBSP}05"


def test_the_date_of_a_late_utc_evening_is_the_next_day_in_paris():
    assert date_fr(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "vendredi 1er janvier 2027"


def test_a_naive_datetime_is_taken_as_utc():
    assert time_fr(datetime(2027, 1, 4, 13, 0)) == f"14{NBSP}h{NBSP}00"


def test_another_zone_is_converted_not_relabelled():
    new_york = timezone(timedelta(hours=-5))
    assert time_fr(datetime(2027, 1, 4, 8, 0, tzinfo=new_york)) == f"14{NBSP}h{NBSP}00"
