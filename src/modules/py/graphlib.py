"""Topological sorting of a graph of hashable nodes, all at once (`static_order`) or in
rounds of nodes whose predecessors are done (`get_ready` / `done`), for parallel work."""

__all__ = ["TopologicalSorter", "CycleError"]


class CycleError(ValueError):
    """The graph has a cycle: `args[1]` lists one, its first node repeated at the end."""


# The end of a node's successors in the cycle search (any value, even None, can be a node).
_END = object()

# A node's state once the sorting has started.
_WAITING, _HANDED_OUT, _DONE = 0, 1, 2


class _Node:
    __slots__ = ("pending", "successors", "state")

    def __init__(self):
        self.pending = 0        # predecessors not done yet
        self.successors = []    # nodes that name this one as a predecessor, in order
        self.state = _WAITING


class TopologicalSorter:
    """Build a graph with `add(node, *predecessors)` (or from a mapping of node to
    predecessors), then `prepare()` and take nodes in an order that respects every edge."""

    def __init__(self, graph=None):
        self._nodes = {}
        self._ready = None
        self._handed_out = 0
        self._finished = 0
        if graph is not None:
            for node, predecessors in graph.items():
                self.add(node, *predecessors)

    def _node(self, node):
        info = self._nodes.get(node)
        if info is None:
            info = self._nodes[node] = _Node()
        return info

    def add(self, node, *predecessors):
        if self._ready is not None:
            raise ValueError("Nodes cannot be added after a call to prepare()")
        info = self._node(node)
        info.pending += len(predecessors)
        for predecessor in predecessors:
            self._node(predecessor).successors.append(node)

    def prepare(self):
        if self._ready is not None:
            raise ValueError("cannot prepare() more than once")
        self._ready = [node for node, info in self._nodes.items() if info.pending == 0]
        cycle = self._find_cycle()
        if cycle:
            raise CycleError("nodes are in a cycle", cycle)

    def get_ready(self):
        if self._ready is None:
            raise ValueError("prepare() must be called first")
        ready = tuple(self._ready)
        for node in ready:
            self._nodes[node].state = _HANDED_OUT
        self._handed_out += len(ready)
        self._ready.clear()
        return ready

    def is_active(self):
        if self._ready is None:
            raise ValueError("prepare() must be called first")
        return self._finished < self._handed_out or bool(self._ready)

    def __bool__(self):
        return self.is_active()

    def done(self, *nodes):
        if self._ready is None:
            raise ValueError("prepare() must be called first")
        for node in nodes:
            info = self._nodes.get(node)
            if info is None:
                raise ValueError(f"node {node!r} was not added using add()")
            if info.state == _DONE:
                raise ValueError(f"node {node!r} was already marked done")
            if info.state != _HANDED_OUT:
                raise ValueError(f"node {node!r} was not passed out (still not ready)")
            info.state = _DONE
            self._finished += 1
            for successor in info.successors:
                successor_info = self._nodes[successor]
                successor_info.pending -= 1
                if successor_info.pending == 0:
                    self._ready.append(successor)

    def _find_cycle(self):
        """One cycle, found by walking successor edges depth first from each node in the
        order nodes were added; an empty list when there is none."""
        finished = set()
        for start in self._nodes:
            if start in finished:
                continue
            path = [start]
            position = {start: 0}
            # One iterator over the successors of each node on the path.
            branches = [iter(self._nodes[start].successors)]
            while branches:
                following = next(branches[-1], _END)
                if following is _END:
                    branches.pop()
                    node = path.pop()
                    del position[node]
                    finished.add(node)
                elif following in position:
                    return path[position[following]:] + [following]
                elif following not in finished:
                    position[following] = len(path)
                    path.append(following)
                    branches.append(iter(self._nodes[following].successors))
        return []

    def static_order(self):
        """Every node, each after all its predecessors."""
        self.prepare()
        while self.is_active():
            batch = self.get_ready()
            yield from batch
            self.done(*batch)

    def __class_getitem__(cls, item):
        import types
        return types.GenericAlias(cls, item)
