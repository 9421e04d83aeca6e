"""Every route handler of the app, in one list (app.py stays wiring only)."""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from events_app.observability.metrics import metrics_route
from events_app.settings import Settings
from events_app.web.api.applications import ApplicationController, ApplyController
from events_app.web.api.certificates import (
    ProgrammeCertificateController,
    SeriesCertificateController,
)
from events_app.web.api.dates import DateController
from events_app.web.api.experts import (
    AskController,
    ExpertController,
    ExpertLinkController,
    PoolController,
)
from events_app.web.api.following import AnnouncementController, FollowController
from events_app.web.api.host_feed import HostFeedController
from events_app.web.api.mail_log import MailLogController
from events_app.web.api.materials import MaterialController
from events_app.web.api.moved import moved_routes
from events_app.web.api.organisations import OrganisationController
from events_app.web.api.programmes import ProgrammeController
from events_app.web.api.proposals import ProposalController, RequesterProposalController
from events_app.web.api.registrations import (
    LinkRequestController,
    ManageController,
    RegistrationController,
    registration_rate_limit,
)
from events_app.web.api.request_figures import FiguresController
from events_app.web.api.requests import (
    OrganiserRequestController,
    RequestIntakeController,
    RequestLinkController,
    RequestLinksController,
)
from events_app.web.api.series import RulePreviewController, SeriesController
from events_app.web.api.session import SessionController, TokenController
from events_app.web.api.signups import SignupController
from events_app.web.feeds import FeedController
from events_app.web.health import health, ready
from events_app.web.pages.controllers import page_route_handlers
from events_app.web.pages.static import favicon

__all__ = ["route_handlers"]


def route_handlers(settings: Settings) -> list[ControllerRouterHandler]:
    public_writes = Router(
        path="/",
        route_handlers=[
            RegistrationController,
            LinkRequestController,
            ApplyController,
            FollowController,
            RequestIntakeController,
            RequestLinksController,
            ExpertLinkController,
        ],
        middleware=[registration_rate_limit(settings)],
    )
    return [
        health,
        ready,
        favicon,
        metrics_route(settings.metrics_token),
        SessionController,
        TokenController,
        public_writes,
        ManageController,
        SignupController,
        ApplicationController,
        MailLogController,
        FeedController,
        HostFeedController,
        SeriesController,
        RulePreviewController,
        DateController,
        MaterialController,
        ProgrammeController,
        SeriesCertificateController,
        ProgrammeCertificateController,
        OrganisationController,
        AnnouncementController,
        ProposalController,
        RequesterProposalController,
        RequestLinkController,
        OrganiserRequestController,
        PoolController,
        ExpertController,
        AskController,
        FiguresController,
        *moved_routes,
        *page_route_handlers(settings),
    ]
