"""Integer kernels of the allocation engine.

Everything here works on dense integer ids (students ``0..n-1``, sites ``0..m-1``,
instructors ``0..k-1``) and plain lists, never on names or dicts in the hot loops.
The public modules (:mod:`ctxh.matching.simple`, :mod:`ctxh.matching.engine`) validate
and compile the named input into these structures once.

Conventions shared by the kernels:

* ``choices[s]`` is the list of sites student ``s`` may propose to, best first (pairs
  that are unacceptable or forbidden are already removed);
* ``ranks[s][i]`` is the rank of ``s`` in the priority list that governs
  ``choices[s][i]`` (lower is better);
* the returned ``assign`` list holds a site id or ``-1`` for every student.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from heapq import heapify, heappop, heappush, heapreplace

INF = 1 << 62
NEVER = 1 << 63  # rank of a student the site does not rank

# Reason codes recorded by the serial-dictatorship kernel for a skipped choice.
SITE_FULL = 1
QUOTA_FULL = 2
INSTRUCTORS_FULL = 3


def check_capacity(kind: str, name: object, cap: object) -> int:
    """A capacity as given by the caller, checked: a whole number, not negative (both public
    modules validate their named input with it before compiling it for the kernels)."""
    if isinstance(cap, bool) or not isinstance(cap, int):
        raise ValueError(f"{kind} {name!r} has a non-integer capacity {cap!r}")
    if cap < 0:
        raise ValueError(f"{kind} {name!r} has a negative capacity {cap}")
    return cap


def da_hr_named(
    students: list[str],
    lists: list[Sequence[str]],
    site_rank: dict[str, dict[str, int]],
    caps: dict[str, int],
) -> list[str | None]:
    """Student-proposing deferred acceptance for Hospitals/Residents.

    ``lists[k]`` is the ranked list of student ``students[k]``; ``site_rank[p]`` maps each
    student that site ``p`` ranks to its rank. A site only keeps a heap once it is full;
    ``cut[p]`` is then the rank of its worst student, so the common case (a proposal to a
    full site from a worse student) costs two look-ups. Heap entries encode
    ``-(rank * n + student)``. Returns the site (or ``None``) of every student, by index:
    the student-optimal stable allocation.
    """
    n = len(students)
    nxt = [0] * n
    assign: list[str | None] = [None] * n
    held: dict[str, list[int]] = {p: [] for p in caps}
    room = dict(caps)
    cut = {p: (INF if c > 0 else -1) for p, c in caps.items()}
    free = list(range(n - 1, -1, -1))
    pop = free.pop
    push = free.append
    while free:
        k = pop()
        name = students[k]
        i = nxt[k]
        for p in lists[k][i:] if i else lists[k]:
            i += 1
            r = site_rank[p].get(name, NEVER)
            if r > cut[p]:
                continue
            assign[k] = p
            h = held[p]
            if cut[p] == INF:
                h.append(-(r * n + k))
                room[p] -= 1
                if not room[p]:
                    heapify(h)
                    cut[p] = (-h[0]) // n
            else:
                t = (-heapreplace(h, -(r * n + k))) % n
                cut[p] = (-h[0]) // n
                assign[t] = None
                push(t)
            break
        nxt[k] = i
    return assign


def _top(heap: list[int], lst: list[int], assign: list[int], owner: int) -> int:
    """Return the worst valid rank in a lazily cleaned heap of ``owner`` (a site)."""
    while assign[lst[-heap[0]]] != owner:
        heappop(heap)
    return -heap[0]


def _top_lect(
    heap: list[int], lst: list[int], assign: list[int], site_lect: list[int], lect: int
) -> int:
    """Return the worst valid rank in a lecturer's lazily cleaned heap."""
    while True:
        a = assign[lst[-heap[0]]]
        if a >= 0 and site_lect[a] == lect:
            return -heap[0]
        heappop(heap)


def da_laminar(
    choices: list[list[int]],
    ranks: list[list[int]],
    groups: list[list[int]] | None,
    site_lect: list[int],
    site_caps: list[int],
    lect_caps: list[int],
    group_caps: list[int],
    lect_lists: list[list[int]],
) -> list[int]:
    """Student-proposing SPA-S algorithm (Abraham, Irving & Manlove 2007, ``SPA-student``).

    Generalised to a three-level laminar family of upper bounds that all use the priority
    order of the lecturer (field instructor) ``site_lect[p]``: school-quota groups inside
    sites inside lecturers. ``ranks`` are lecturer ranks, ``lect_lists[l][r]`` the student
    of rank ``r`` for lecturer ``l``; ``groups[s][i]`` is the quota group of
    ``(choices[s][i], school of s)`` or ``-1``. Deleted pairs (successors of the worst
    assignee of a full group, site or lecturer) are represented by monotone rank cut-offs.
    """
    n = len(choices)
    n_sites = len(site_caps)
    nxt = [0] * n
    assign = [-1] * n
    s_cnt = [0] * n_sites
    l_cnt = [0] * len(lect_caps)
    g_cnt = [0] * len(group_caps)
    s_heap: list[list[int]] = [[] for _ in range(n_sites)]
    l_heap: list[list[int]] = [[] for _ in lect_caps]
    g_heap: list[list[int]] = [[] for _ in group_caps]
    s_cut = [INF if c > 0 else -1 for c in site_caps]
    l_cut = [INF if c > 0 else -1 for c in lect_caps]
    g_cut = [INF if c > 0 else -1 for c in group_caps]
    free = list(range(n - 1, -1, -1))
    while free:
        s = free.pop()
        ch = choices[s]
        rk = ranks[s]
        gr = groups[s] if groups is not None else None
        i = nxt[s]
        m = len(ch)
        p = g = -1
        while i < m:
            p = ch[i]
            r = rk[i]
            g = gr[i] if gr is not None else -1
            i += 1
            if r <= s_cut[p] and r <= l_cut[site_lect[p]] and (g < 0 or r <= g_cut[g]):
                break
        else:
            nxt[s] = i
            continue
        nxt[s] = i
        lec = site_lect[p]
        lst = lect_lists[lec]
        assign[s] = p
        s_cnt[p] += 1
        l_cnt[lec] += 1
        heappush(s_heap[p], -r)
        heappush(l_heap[lec], -r)
        if g >= 0:
            g_cnt[g] += 1
            heappush(g_heap[g], -r)
        if g >= 0 and g_cnt[g] > group_caps[g]:
            t = lst[_top(g_heap[g], lst, assign, p)]
            heappop(g_heap[g])
        elif s_cnt[p] > site_caps[p]:
            t = lst[_top(s_heap[p], lst, assign, p)]
            heappop(s_heap[p])
        elif l_cnt[lec] > lect_caps[lec]:
            t = lst[_top_lect(l_heap[lec], lst, assign, site_lect, lec)]
            heappop(l_heap[lec])
        else:
            t = -1
        if t >= 0:
            q = assign[t]
            assign[t] = -1
            s_cnt[q] -= 1
            l_cnt[lec] -= 1
            if groups is not None:
                # The rejected student's group at q (same school, same lecturer order).
                gt = groups[t][nxt[t] - 1]
                if gt >= 0:
                    g_cnt[gt] -= 1
            free.append(t)
        if g >= 0 and g_cnt[g] == group_caps[g]:
            g_cut[g] = _top(g_heap[g], lst, assign, p)
        if s_cnt[p] == site_caps[p]:
            s_cut[p] = _top(s_heap[p], lst, assign, p)
        if l_cnt[lec] == lect_caps[lec]:
            l_cut[lec] = _top_lect(l_heap[lec], lst, assign, site_lect, lec)
    return assign


def sd_simple(order: list[int], choices: list[list[int]], caps: list[int]) -> list[int]:
    """Serial dictatorship with seat capacities only (one shared priority order)."""
    left = list(caps)
    assign = [-1] * len(choices)
    for s in order:
        for p in choices[s]:
            if left[p] > 0:
                left[p] -= 1
                assign[s] = p
                break
    return assign


class InstructorFlow:
    """Assignment of placed students to field instructors as an integral flow.

    ``flow[p][j]`` counts the students of site ``p`` supervised by its ``j``-th
    instructor. Adding a student to a site searches an augmenting path (breadth first)
    through instructors that could hand one of their students to a colleague.
    """

    def __init__(self, site_insts: list[list[int]], inst_caps: list[int], n_insts: int) -> None:
        self.site_insts = site_insts
        self.caps = inst_caps
        self.load = [0] * n_insts
        self.flow = [[0] * len(x) for x in site_insts]
        inst_sites: list[list[tuple[int, int]]] = [[] for _ in range(n_insts)]
        for p, insts in enumerate(site_insts):
            for j, i in enumerate(insts):
                inst_sites[i].append((p, j))
        self.inst_sites = inst_sites

    def add(self, p: int) -> bool:
        """Place one more student at site ``p`` if the instructors allow it."""
        insts = self.site_insts[p]
        load = self.load
        caps = self.caps
        for j, i in enumerate(insts):
            if load[i] < caps[i]:
                load[i] += 1
                self.flow[p][j] += 1
                return True
        # parent[i] = (previous instructor or -1, site, slot of i at site, slot of prev)
        parent: dict[int, tuple[int, int, int, int]] = {}
        queue: deque[int] = deque()
        for j, i in enumerate(insts):
            if i not in parent:
                parent[i] = (-1, p, j, -1)
                queue.append(i)
        flow = self.flow
        while queue:
            i = queue.popleft()
            for q, jq in self.inst_sites[i]:
                if flow[q][jq] <= 0:
                    continue
                for j2, i2 in enumerate(self.site_insts[q]):
                    if i2 in parent:
                        continue
                    parent[i2] = (i, q, j2, jq)
                    if load[i2] < caps[i2]:
                        load[i2] += 1
                        cur = i2
                        while True:
                            prev, site, slot, prev_slot = parent[cur]
                            flow[site][slot] += 1
                            if prev < 0:
                                return True
                            flow[site][prev_slot] -= 1
                            cur = prev
                    queue.append(i2)
        return False


def sd_general(
    order: list[int],
    choices: list[list[int]],
    groups: list[list[int]] | None,
    caps: list[int],
    group_caps: list[int],
    site_insts: list[list[int]],
    inst_caps: list[int],
    explain: bool = True,
) -> tuple[list[int], list[list[int]] | None, InstructorFlow | None]:
    """Serial dictatorship under seats, school quotas and shared field instructors.

    Students are served in ``order``; each takes the first choice that stays feasible:
    a free seat, room in the school quota group, and an instructor assignment (found by
    :class:`InstructorFlow`). With one priority order for all sites this is exactly the
    unique stable allocation. When ``explain`` is true, ``reasons[s]`` lists the reason
    code for each choice skipped before the one obtained.
    """
    n = len(choices)
    left = list(caps)
    g_left = list(group_caps)
    has_inst = [bool(x) for x in site_insts]
    flow = InstructorFlow(site_insts, inst_caps, len(inst_caps)) if any(has_inst) else None
    assign = [-1] * n
    reasons: list[list[int]] | None = [[] for _ in range(n)] if explain else None
    for s in order:
        ch = choices[s]
        gr = groups[s] if groups is not None else None
        why: list[int] | None = None
        for i, p in enumerate(ch):
            if left[p] <= 0:
                code = SITE_FULL
            else:
                g = gr[i] if gr is not None else -1
                if g >= 0 and g_left[g] <= 0:
                    code = QUOTA_FULL
                elif has_inst[p] and not flow.add(p):  # type: ignore[union-attr]
                    code = INSTRUCTORS_FULL
                else:
                    left[p] -= 1
                    if g >= 0:
                        g_left[g] -= 1
                    assign[s] = p
                    break
            if reasons is not None:
                if why is None:
                    why = reasons[s]
                why.append(code)
    return assign, reasons, flow
