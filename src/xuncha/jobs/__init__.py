"""Background jobs: a thin layer over django-q2 (docs/architecture.md, "Background jobs").

    @job("reuse.check", title="雷同检测", max_attempts=3)
    def check(pk: int) -> None: ...

    enqueue("reuse.check", {"pk": 7}, actor=actor)

The Job row is ours (state, attempts, the Chinese reason of a failure); django-q2 only carries
"run job N" to a worker process and keeps the schedules.
"""
