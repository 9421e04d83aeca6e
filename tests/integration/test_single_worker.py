"""On SQLite one worker runs at a time (the app's own, or one `events-app worker`)."""

from __future__ import annotations

import pytest

from events_app import db
from events_app.worker import WorkerBusy, run_worker, single_worker_on_sqlite


async def test_a_second_worker_on_sqlite_is_refused_with_a_clear_message() -> None:
    if db.is_postgres():
        with single_worker_on_sqlite(), single_worker_on_sqlite():
            pass  # PostgreSQL: as many workers as wanted
        return
    with single_worker_on_sqlite():
        with pytest.raises(WorkerBusy), single_worker_on_sqlite():
            pass
        with pytest.raises(SystemExit, match="another worker already runs"):
            await run_worker()
    with single_worker_on_sqlite():  # free again once the first one stopped
        pass
