"""The engine's scheduler shortcut orders events exactly as ``env.timeout`` would, and stops as ``env.run`` does."""

from __future__ import annotations

import simpy

from ccsim.model.clock import Clock


def test_clock_interleaves_with_timeouts_in_timeout_order():
    env = simpy.Environment()
    clock = Clock(env)
    seen: list[tuple[float, str]] = []

    def note(event) -> None:
        seen.append((env.now, event.value))

    # Same times from both kinds: ties must go in scheduling order, whichever kind scheduled them.
    clock.at(2.0, note, "clock-a")
    env.timeout(2.0, "timeout-b").callbacks.append(note)
    clock.at(1.0, note, "clock-c")
    env.timeout(2.0, "timeout-d").callbacks.append(note)
    clock.at(2.0, note, "clock-e")
    clock.run(until=10)
    assert seen == [(1.0, "clock-c"), (2.0, "clock-a"), (2.0, "timeout-b"), (2.0, "timeout-d"), (2.0, "clock-e")]


def test_clock_callbacks_may_schedule_more_and_ties_keep_their_scheduling_order():
    env = simpy.Environment()
    clock = Clock(env)
    seen: list[tuple[float, object]] = []

    def again(event) -> None:
        seen.append((clock.now, event.value))
        if event.value < 3:
            clock.at(0.5, again, event.value + 1)

    def now_too(event) -> None:
        seen.append((clock.now, event.value))
        if event.value == "first":  # due at this very time, after the one already waiting
            clock.at(0.0, now_too, "scheduled at 4.0")

    clock.at(1.0, again, 0)
    clock.at(4.0, now_too, "first")
    clock.at(4.0, now_too, "second")
    clock.run(until=10)
    assert seen == [(1.0, 0), (1.5, 1), (2.0, 2), (2.5, 3),
                    (4.0, "first"), (4.0, "second"), (4.0, "scheduled at 4.0")]


def test_clock_refuses_negative_and_nan_delays():
    clock = Clock(simpy.Environment())
    for delay in (-1.0, float("nan")):
        try:
            clock.at(delay, lambda _: None)
        except ValueError:
            continue
        raise AssertionError(f"the delay {delay} was accepted")


def test_clock_run_matches_env_run_with_timeouts():
    """Callbacks on the clock run in the order, and stop at the moment, that timeouts run by ``env.run`` do."""

    def world(use_clock: bool) -> list[tuple[float, str]]:
        env = simpy.Environment()
        clock = Clock(env)
        seen: list[tuple[float, str]] = []

        def note(event) -> None:
            seen.append((env.now, event.value))

        def schedule(delay: float, name: str) -> None:
            if use_clock:
                clock.at(delay, note, name)
            else:
                env.timeout(delay, name).callbacks.append(note)

        for i, delay in enumerate((3.0, 1.0, 5.0, 5.0, 2.0)):
            schedule(delay, f"callback-{i}")
            env.timeout(delay, f"timeout-{i}").callbacks.append(note)
        schedule(6.0, "at-the-stop")  # at `until`: SimPy stops first
        env.timeout(7.0, "after").callbacks.append(note)
        if use_clock:
            clock.run(until=6.0)
        else:
            env.run(until=6.0)
        seen.append((env.now, "end"))
        return seen

    ours = world(True)
    assert ours == world(False)
    assert ours[-1] == (6.0, "end") and (6.0, "at-the-stop") not in ours


def test_a_simpy_process_may_schedule_on_the_clock_at_its_own_time():
    env = simpy.Environment()
    clock = Clock(env)
    seen: list[float] = []

    def process():
        yield env.timeout(2.5)
        clock.at(1.0, lambda _: seen.append(clock.now))

    env.process(process())
    clock.run(until=10)
    assert seen == [3.5]


def test_the_cyclic_collector_is_paused_while_the_clock_runs_and_restored_after():
    import gc

    env = simpy.Environment()
    clock = Clock(env)
    seen: list[bool] = []
    clock.at(1.0, lambda _: seen.append(gc.isenabled()))
    was = gc.isenabled()
    try:
        gc.enable()
        clock.run(until=2.0)
        assert seen == [False] and gc.isenabled()
        gc.disable()  # a caller that had paused it itself gets it back paused
        clock.at(1.0, lambda _: seen.append(gc.isenabled()))
        clock.run(until=4.0)
        assert seen == [False, False] and not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_tidy_collects_cycles_made_while_the_collector_is_paused():
    import weakref

    from ccsim.model.clock import collector_paused, tidy

    class Node:
        pass

    with collector_paused():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: reference counting alone never frees it
        gone = weakref.ref(a)
        del a, b
        assert gone() is not None  # the collector is paused: the cycle waits
        tidy()
        assert gone() is None
