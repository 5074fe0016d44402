"""The run's rate limit: parsing, spacing, and one budget across threads."""

from __future__ import annotations

import threading

import pytest

from iotda_contract.conformance.pacing import Pace, parse_rate


@pytest.mark.parametrize(
    ("text", "per_second"), [("10/s", 10.0), ("600/m", 10.0), ("36/h", 0.01), ("2.5", 2.5)]
)
def test_rates_are_read(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("text", ["", "0/s", "-1/s", "ten/s", "5/d"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError, match="a rate is"):
        parse_rate(text)


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_slots_are_spaced_so_no_second_holds_more_than_the_rate():
    fake = FakeTime()
    pace = Pace(10, clock=fake.clock, sleep=fake.sleep)
    sent = []
    for _ in range(50):
        pace.wait()
        sent.append(fake.now)
    for start in sent:
        assert sum(start <= t < start + 1.0 for t in sent) <= 10
    assert sent[-1] - sent[0] == pytest.approx(49 * 1.05 / 10)


def test_threads_share_one_budget():
    pace = Pace(1000)
    times: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            slot = pace.wait()
            with lock:
                times.append(slot)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(times)) == 100, "every request got a slot of its own"
