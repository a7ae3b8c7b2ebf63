"""Fixed moments for tests that depend on today's date, for time-machine's marker and fixture:

    @pytest.mark.time_machine(WORKING_DAY_MORNING, tick=False)
    def test_...

A test that reads the date twice (in the code under test and in its assertion) must not straddle midnight
or New Year, and a test about working days must not test less at weekends.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Wednesday 4 March 2026, 10:00 in Stockholm: an ordinary working day.
WORKING_DAY_MORNING = datetime(2026, 3, 4, 10, 0, tzinfo=STOCKHOLM)
# Saturday 28 November 2026, 10:00 in Stockholm: no working day.
SATURDAY_MORNING = datetime(2026, 11, 28, 10, 0, tzinfo=STOCKHOLM)
