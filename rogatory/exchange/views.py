"""The exchange endpoint other nodes call (/exchange/v1/…), and the pages: inbox and outbox,
a message with its evidence timeline, the partners page, the panel on a case."""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.accounts.access import require_site_admin
from rogatory.accounts.models import User
from rogatory.cases.access import get_case_for_writing
from rogatory.cases.choices import Confidentiality, Direction, Status
from rogatory.cases.models import Case
from rogatory.drafting.models import RequestVersion
from rogatory.lib.downloads import attachment

from . import business, node, offline
from .access import (
    get_message_for_user,
    get_message_for_writing,
    messages_for_user,
)
from .errors import ExchangeError
from .filing import do_accept_request, do_file_held, do_mark_retrieved
from .forms import (
    DescriptorForm,
    EnvelopeFileForm,
    FileHeldForm,
    PinForm,
    SendActionForm,
    SendRequestForm,
)
from .models import Evidence, Message, Partner, PartnerAuthority, TrustListOperator
from .outbound import allowed_actions, destinations, do_send_action, do_send_request


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# Pages --------------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The authority's exchange: requests to register, held messages, everything received."""
    user = _user(request)
    if user.authority_id is None:
        raise Http404("No authority.")
    mine = messages_for_user(user).select_related("partner", "conversation__case")
    box = request.GET.get("box", "inbox")
    direction = Message.Direction.OUTBOUND if box == "outbox" else Message.Direction.INBOUND
    listed = list(mine.filter(direction=direction).order_by("-created_at")[:200])
    context = {
        "box": "outbox" if direction == Message.Direction.OUTBOUND else "inbox",
        "listed": listed,
        "to_register": [
            m
            for m in listed
            if m.action == "request"
            and m.conversation is not None
            and m.conversation.case_id is None
            and not m.held
        ]
        if direction == Message.Direction.INBOUND
        else [],
        "held": [m for m in listed if m.held],
        "configured": node.is_configured(),
        "import_form": EnvelopeFileForm(),
    }
    return render(request, "exchange/inbox.html", context)


def _timeline(message: Message) -> list[Evidence]:
    return list(message.evidences.order_by("event_time", "pk"))


@login_required
def message_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    message, can_write = get_message_for_user(user, public_id)
    if message.direction == Message.Direction.INBOUND:
        do_mark_retrieved(message, acting_user=user)
    spec = business.ACTIONS.get(message.action)
    approval = message.body.get("approval") or {}
    try:
        approved_at = datetime.datetime.fromisoformat(str(approval.get("approved_at", "")))
    except ValueError:
        approved_at = None
    confidentiality = str(message.body.get("confidentiality", ""))
    context = {
        "message": message,
        "spec": spec,
        # A request's summary is its sender's reference, already shown as "their reference".
        "summary": business.summary(message.action, message.body)
        if spec and message.action != "request"
        else "",
        "approved_at": approved_at,
        "confidentiality": Confidentiality(confidentiality).label
        if confidentiality in Confidentiality.values
        else confidentiality,
        "parts": list(message.parts.all()),
        "evidences": _timeline(message),
        "can_write": can_write,
        "can_register": can_write
        and message.direction == Message.Direction.INBOUND
        and message.action == "request"
        and message.conversation is not None
        and message.conversation.case_id is None
        and not message.held,
        "request_document": message.body.get("request") if message.action == "request" else None,
        "file_form": FileHeldForm() if can_write and message.held else None,
    }
    return render(request, "exchange/message.html", context)


@login_required
@require_POST
def message_register(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    message = get_message_for_writing(user, public_id)
    try:
        case = do_accept_request(message, acting_user=user)
    except ExchangeError as error:
        messages.error(request, error.message)
        return redirect(message)
    messages.success(request, _("The request is registered as an incoming request."))
    return redirect(case)


@login_required
@require_POST
def message_file_held(request: HttpRequest, public_id: str) -> HttpResponse:
    """File a held message (it matched no request) on one of the authority's requests."""
    user = _user(request)
    message = get_message_for_writing(user, public_id)
    form = FileHeldForm(request.POST)
    case = None
    if form.is_valid():
        case = (
            Case.objects.for_user(user)
            .filter(our_reference=form.cleaned_data["reference"].strip())
            .first()
        )
    if case is None:
        messages.error(request, _("No request of yours has this reference."))
        return redirect(message)
    try:
        do_file_held(message, case, acting_user=user)
    except ExchangeError as error:
        messages.error(request, error.message)
        return redirect(message)
    messages.success(request, _("The message is filed on the request."))
    return redirect(case)


@login_required
def message_bundle(request: HttpRequest, public_id: str) -> HttpResponse:
    message, _can_write = get_message_for_user(_user(request), public_id)
    response = HttpResponse(offline.write_message_bundle(message), content_type="application/zip")
    attachment(response, f"evidence-{message.message_id}.zip")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def message_export(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The sealed envelope as a file, for a pouch or a USB key (outbound messages)."""
    message = get_message_for_writing(_user(request), public_id)
    if message.direction != Message.Direction.OUTBOUND:
        raise Http404("Only a message we sent is exported.")
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    offline.export_envelope(message, spool)
    size = spool.tell()
    spool.seek(0)
    response = FileResponse(spool, content_type="application/octet-stream")
    response["Content-Length"] = str(size)
    attachment(response, f"message-{message.message_id}.rex")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def envelope_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.authority_id is None or not user.can_write_cases:
        raise PermissionDenied("Officers only.")
    form = EnvelopeFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a message file (.rex) to import."))
        return redirect("exchange_inbox")
    try:
        offline.import_envelope(form.cleaned_data["file"])
    except ExchangeError as error:
        messages.error(request, error.message)
        return redirect("exchange_inbox")
    messages.success(request, _("The message was verified and received."))
    return redirect("exchange_inbox")


# Partners (site administrators) -------------------------------------------------------------


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_site_admin(user)
    configured = node.is_configured()
    context: dict[str, Any] = {
        "configured": configured,
        "partners": list(Partner.objects.prefetch_related("keys", "authorities")),
        "operators": list(TrustListOperator.objects.all()),
        "descriptor_form": DescriptorForm(),
        "pin_form": PinForm(),
    }
    if configured:
        context["local"] = node.local_node()
        context["our_fingerprint"] = node.our_fingerprint()
        context["our_keys"] = node.our_public_keys()
    return render(request, "exchange/partners.html", context)


@login_required
@require_POST
def partner_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_site_admin(user)
    form = DescriptorForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            partner = node.do_import_descriptor(form.descriptor(), acting_user=user)
        except ExchangeError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Descriptor of %(node)s imported: confirm its fingerprint with the partner.")
                % {"node": partner.node_id},
            )
    else:
        messages.error(request, _("Paste a descriptor or choose its file."))
    return redirect("exchange_partners")


def _partner(node_id: str) -> Partner:
    found = Partner.objects.filter(node_id=node_id).first()
    if found is None:
        raise Http404("No such partner.")
    return found


@login_required
@require_POST
def partner_pin(request: HttpRequest, node_id: str) -> HttpResponse:
    user = _user(request)
    require_site_admin(user)
    partner = _partner(node_id)
    form = PinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the fingerprint the partner read out to you."))
        return redirect("exchange_partners")
    try:
        node.do_pin_partner(partner, form.cleaned_data["fingerprint"], acting_user=user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(node)s is now trusted.") % {"node": partner.node_id})
    return redirect("exchange_partners")


@login_required
@require_POST
def partner_revoke(request: HttpRequest, node_id: str) -> HttpResponse:
    user = _user(request)
    require_site_admin(user)
    try:
        node.do_revoke_partner(_partner(node_id), acting_user=user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(node)s is no longer trusted.") % {"node": node_id})
    return redirect("exchange_partners")


def directory_panel(request: HttpRequest, state: str) -> SafeString:
    """On a state's directory entry: the authorities of that state reachable through the
    exchange, from the descriptors this installation imported (not a source of trust)."""
    reachable = list(
        PartnerAuthority.objects.filter(state_id=state)
        .exclude(partner__status=Partner.Status.REVOKED)
        .select_related("partner")
        .order_by("partner__node_id", "code")
    )
    if not reachable:
        return SafeString("")
    return SafeString(
        render_to_string("exchange/_directory_panel.html", {"reachable": reachable}, request)
    )


# The panel on a case ------------------------------------------------------------------------


def _approved_version(case: Case) -> RequestVersion | None:
    return case.request_versions.filter(status=RequestVersion.Status.APPROVED).first()


def case_panel(request: HttpRequest, case: Case, can_write: bool) -> SafeString:
    """The exchange panel of the case page: the conversation's messages with their evidence
    badges, the partner's status, and what can be sent now."""
    conversation = case.conversations.select_related("partner").first()
    context: dict[str, Any] = {"case": case, "can_write": can_write}
    if conversation is None:
        if (
            case.direction != Direction.OUTGOING
            or case.status != Status.DRAFT
            or not node.is_configured()
        ):
            return SafeString("")
        version = _approved_version(case)
        options = destinations(case)
        if not options:
            return SafeString("")
        context |= {
            "version": version,
            "send_request_form": SendRequestForm(destinations=options),
        }
        return SafeString(render_to_string("exchange/_case_panel.html", context, request))
    thread = list(
        conversation.messages.filter(authority=case.authority)
        .prefetch_related("evidences")
        .order_by("sealed_at")
    )
    actions = allowed_actions(conversation) if can_write else []
    context |= {
        "conversation": conversation,
        "thread": thread,
        "action_form": SendActionForm(case=case, actions=actions) if actions else None,
    }
    return SafeString(render_to_string("exchange/_case_panel.html", context, request))


@login_required
@require_POST
def case_send_request(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_writing(user, public_id)
    version = _approved_version(case)
    form = SendRequestForm(request.POST, destinations=destinations(case))
    if version is None or not form.is_valid():
        messages.error(request, _("A supervisor must approve the request before it is sent."))
        return redirect(case)
    try:
        do_send_request(version, form.cleaned_data["destination"], acting_user=user)
    except ExchangeError as error:
        messages.error(request, error.message)
        return redirect(case)
    messages.success(request, _("The request is sealed and queued for the other authority."))
    return redirect(case)


@login_required
@require_POST
def case_send_action(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_writing(user, public_id)
    conversation = case.conversations.first()
    if conversation is None:
        raise Http404("Not exchanged.")
    form = SendActionForm(request.POST, case=case, actions=allowed_actions(conversation))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(case)
    data = form.cleaned_data
    try:
        do_send_action(
            case,
            data["action"],
            text=data["text"],
            ground=data.get("ground") or "",
            documents=list(data["documents"]),
            amount=f"{data['amount']:.2f}" if data.get("amount") is not None else "",
            currency=data.get("currency") or "",
            considering=data.get("considering") or "refusal",
            acting_user=user,
        )
    except ExchangeError as error:
        messages.error(request, error.message)
        return redirect(case)
    messages.success(request, _("Sealed and queued for the other authority."))
    return redirect(case)


urlpatterns = [
    path("exchange/", inbox, name="exchange_inbox"),
    path("exchange/import/", envelope_import, name="exchange_import"),
    path("exchange/messages/<uuid:public_id>/", message_detail, name="exchange_message"),
    path(
        "exchange/messages/<uuid:public_id>/register/",
        message_register,
        name="exchange_message_register",
    ),
    path(
        "exchange/messages/<uuid:public_id>/file/",
        message_file_held,
        name="exchange_message_file_held",
    ),
    path(
        "exchange/messages/<uuid:public_id>/bundle.zip",
        message_bundle,
        name="exchange_message_bundle",
    ),
    path(
        "exchange/messages/<uuid:public_id>/envelope.rex",
        message_export,
        name="exchange_message_export",
    ),
    path("exchange/partners/", partners, name="exchange_partners"),
    path("exchange/partners/import/", partner_import, name="exchange_partner_import"),
    path("exchange/partners/<slug:node_id>/pin/", partner_pin, name="exchange_partner_pin"),
    path(
        "exchange/partners/<slug:node_id>/revoke/", partner_revoke, name="exchange_partner_revoke"
    ),
    path(
        "cases/<uuid:public_id>/exchange/send-request/",
        case_send_request,
        name="exchange_case_send_request",
    ),
    path("cases/<uuid:public_id>/exchange/send/", case_send_action, name="exchange_case_send"),
]
