"""Every page route, grouped in routers (listed once in :mod:`events_app.web.routes`).

Page routers carry :data:`PAGE_EXCEPTION_HANDLERS`, so errors inside them are pages; the
registration POSTs count against the same rate limit as the JSON API.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from events_app.settings import Settings
from events_app.web.api.registrations import registration_rate_limit
from events_app.web.pages.account import (
    AccountController,
    LoginController,
    PasswordResetController,
)
from events_app.web.pages.agenda import AgendaController
from events_app.web.pages.certificates_admin import (
    ProgrammeCertificatesController,
    SeriesCertificatesController,
)
from events_app.web.pages.certificates_public import CertificateCheckController
from events_app.web.pages.errors import PAGE_EXCEPTION_HANDLERS
from events_app.web.pages.expert_link import ExpertLinkPageController
from events_app.web.pages.following import FollowPageController, UnfollowPageController
from events_app.web.pages.host import HostController
from events_app.web.pages.host_applications import ApplicationsController
from events_app.web.pages.host_attendance import AttendanceController
from events_app.web.pages.mail_log import MailLogController
from events_app.web.pages.manage import LinkRequestController, ManagePageController
from events_app.web.pages.organisations import OrganisationPageController
from events_app.web.pages.organise import OrganiseController
from events_app.web.pages.organise_dates import DateAdminController
from events_app.web.pages.organise_followers import FollowersAdminController
from events_app.web.pages.organise_materials import (
    MaterialFilesController,
    MaterialsAdminController,
)
from events_app.web.pages.organise_pause import SeriesPauseController
from events_app.web.pages.organise_questions import SeriesQuestionsController
from events_app.web.pages.organise_series import SeriesAdminController
from events_app.web.pages.programmes import ProgrammePageController
from events_app.web.pages.programmes_admin import ProgrammeAdminController
from events_app.web.pages.register import RegisterController
from events_app.web.pages.request_asks import RequestExpertsController
from events_app.web.pages.requests_experts import ExpertPoolController
from events_app.web.pages.requests_figures import FeesPageController, OverviewPageController
from events_app.web.pages.requests_inbox import RequestsInboxController
from events_app.web.pages.requests_proposals import (
    ProposalsAdminController,
    RequesterProposalsController,
)
from events_app.web.pages.requests_public import (
    RequestFormController,
    RequestLinkPageController,
    RequestLinksController,
)
from events_app.web.pages.series import SeriesPageController
from events_app.web.pages.settings_page import SettingsController
from events_app.web.pages.static import STATIC_CACHE, STATIC_DIR, VENDOR_CACHE, VENDOR_DIR
from events_app.web.pages.team import InvitationController, TeamController

__all__ = ["page_route_handlers"]


def _is_registration(request: Request[Any, Any, Any]) -> bool:
    """Registration POSTs, "e-mail me my link", following, an organisation's request form and
    an expert's answer: what a stranger could repeat to cause mail."""
    path = request.url.path.rstrip("/")
    return request.method == "POST" and (
        path.endswith(("/register", "/request"))
        or path in ("/manage", "/follow")
        or path.startswith("/expert/")
    )


def page_route_handlers(settings: Settings) -> list[ControllerRouterHandler]:
    # The JSON API's limit, counted only for registration POSTs (page views are free).
    limit = registration_rate_limit(settings, applies=_is_registration)
    pages = Router(
        path="/",
        route_handlers=[
            AgendaController,
            SeriesPageController,
            RegisterController,
            ProgrammePageController,
            OrganisationPageController,
            RequestFormController,
            RequestLinkPageController,
            RequestLinksController,
            ManagePageController,
            LinkRequestController,
            FollowPageController,
            UnfollowPageController,
            LoginController,
            AccountController,
            PasswordResetController,
            HostController,
            AttendanceController,
            ApplicationsController,
            TeamController,
            InvitationController,
            OrganiseController,
            SeriesAdminController,
            SeriesPauseController,
            DateAdminController,
            MaterialsAdminController,
            SeriesQuestionsController,
            MaterialFilesController,
            MailLogController,
            FollowersAdminController,
            RequestsInboxController,
            SettingsController,
            ProgrammeAdminController,
            SeriesCertificatesController,
            ProgrammeCertificatesController,
            CertificateCheckController,
            ProposalsAdminController,
            RequesterProposalsController,
            ExpertPoolController,
            RequestExpertsController,
            FeesPageController,
            OverviewPageController,
            ExpertLinkPageController,
        ],
        middleware=[limit],
        exception_handlers=PAGE_EXCEPTION_HANDLERS,
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        include_in_schema=False,
        send_as_attachment=False,
        cache_control=STATIC_CACHE,
    )
    vendor = create_static_files_router(
        path="/static/vendor",
        directories=[VENDOR_DIR],
        name="vendor",
        include_in_schema=False,
        send_as_attachment=False,
        cache_control=VENDOR_CACHE,
    )
    return [pages, static, vendor]
