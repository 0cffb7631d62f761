"""Every write that changes dossiers or accounts: one keyword-only function per use case.

A package rather than one module because the citizen side and the desk side grow in parallel;
callers import from here (`from dossiers import services; services.dossier_submit(...)`).
"""

from dossiers.services.accounts import *  # noqa: F403
from dossiers.services.appointments import *  # noqa: F403
from dossiers.services.audit import *  # noqa: F403
from dossiers.services.citizen import *  # noqa: F403
from dossiers.services.counter import *  # noqa: F403
from dossiers.services.desk import *  # noqa: F403
from dossiers.services.fees import *  # noqa: F403
from dossiers.services.identity import *  # noqa: F403
from dossiers.services.intake import *  # noqa: F403
from dossiers.services.national_sync import *  # noqa: F403
from dossiers.services.payment_settle import *  # noqa: F403
from dossiers.services.phone_reset import *  # noqa: F403
from dossiers.services.registration import *  # noqa: F403
from dossiers.services.signing import *  # noqa: F403
from dossiers.services.staging import *  # noqa: F403
