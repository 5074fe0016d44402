"""The run's rate limit: parsing, spacing, and one budget across threads."""

from __future__ import annotations

import itertools
import random
import threading
import time

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


def test_a_late_wake_up_pushes_the_next_request_back():
    fake = FakeTime()

    def oversleep(seconds: float) -> None:
        fake.sleep(seconds + 0.08)  # a busy machine wakes the thread late

    pace = Pace(10, clock=fake.clock, sleep=oversleep)
    sent = [pace.wait() for _ in range(20)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert min(gaps) >= 1.05 / 10, "each request is spaced from the moment the one before it really went"


def test_at_once_bounds_the_requests_under_way_without_a_rate():
    pace = Pace(None, at_once=3)
    lock = threading.Lock()
    under_way, most = 0, 0

    def worker() -> None:
        nonlocal under_way, most
        for _ in range(5):
            with pace.slot():
                with lock:
                    under_way += 1
                    most = max(most, under_way)
                time.sleep(0.002)
                with lock:
                    under_way -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 3
    assert pace.waited == 0.0, "no rate: nothing waits for a slot of time"


def test_a_slot_keeps_the_rate_among_threads():
    fake = FakeTime()
    pace = Pace(20, at_once=4, clock=fake.clock, sleep=fake.sleep)
    sent: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            with pace.slot() as slot, lock:
                sent.append(slot)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.sort()
    for start in sent:
        assert sum(start <= t < start + 1.0 for t in sent) <= 20


@pytest.mark.parametrize(("threads", "at_once"), [(1, None), (6, 6)])
def test_requests_sent_late_by_busy_threads_still_keep_the_rate_where_they_arrive(threads, at_once):
    pace = Pace(40, at_once=at_once)
    arrived: list[float] = []
    lock = threading.Lock()
    late = random.Random(7)

    def worker() -> None:
        for _ in range(20):
            with pace.slot():
                with lock:
                    delay = late.uniform(0.0, 0.12)  # let go, sent late: a thread that waited for the GIL
                time.sleep(delay)
                with lock:
                    arrived.append(time.monotonic())  # where the backend's clock sees it
                time.sleep(0.01)  # the answer

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    arrived.sort()
    most, start = 0, 0
    for end, stamp in enumerate(arrived):
        while stamp - arrived[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    assert len(arrived) == 20 * threads
    assert most <= 40
