"""`aftersales serve`: the sales workspace as a Starlette (ASGI) application served by uvicorn.

Why Starlette: a small, typed ASGI toolkit (its own dependency is anyio) with a test client
that drives the real application in-process; uvicorn serves it. Pages are rendered on the
server from `templates/web/` with Jinja's SandboxedEnvironment (autoescape, StrictUndefined),
every word through the locale (`messages/web.yaml`); the page's one script is
`templates/web/workspace.js`, written here.

Safety: 127.0.0.1 by default; any other host needs the access token on every request (query
`token=` once, then an HttpOnly SameSite=Strict cookie). A Host header that is not the bound
host (or a name given with --allow-host) is refused, so a page elsewhere cannot reach the
workspace through DNS rebinding. Every POST carries the CSRF token the page was given.
Requests are limited in size; paths stay inside the folder; an error shows an id, never a
traceback (the traceback goes to the server's log).
"""

import hashlib
import hmac
import logging
import re
import secrets
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from generator.errors import GeneratorError, InputError, Location, Problem
from generator.locale import Locale, get_locale
from generator.resources import data_dir
from generator.web.workspace import (
    ABSENT,
    Conflict,
    Evaluation,
    OutsideRoot,
    Workspace,
    content_hash,
)

__all__ = ["ABSENT", "Settings", "create_app", "serve"]

log = logging.getLogger("aftersales.web")

MAX_BODY = 256 * 1024
"""Bytes a request body may hold: a form of every commitment is a few KB."""
COOKIE = "aftersales_token"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class Settings:
    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8765,
        token: str | None = None,
        allowed_hosts: tuple[str, ...] = (),
        language: str = "zh-Hans",
    ) -> None:
        self.root = root
        self.host = host
        self.port = port
        self.token = token
        self.allowed_hosts = allowed_hosts
        self.language = language
        self.secret = secrets.token_bytes(32)

    @property
    def csrf(self) -> str:
        return hmac.new(self.secret, b"csrf", hashlib.sha256).hexdigest()

    @property
    def hosts(self) -> list[str]:
        loopback = ["127.0.0.1", "localhost", "[::1]", "::1"]
        local = loopback if self.host in ("127.0.0.1", "localhost", "::1") else []
        return sorted({self.host, *local, *self.allowed_hosts})


def _size_limit(app: ASGI, say: Locale) -> ASGI:
    """Refuse a body over MAX_BODY: by its Content-Length at once, else as it streams in."""

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = PlainTextResponse(say.text("web.error.too_large"), status_code=413)
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await too_big(scope, receive, send)
            return
        seen = 0

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLarge
            return message

        try:
            await app(scope, counted, send)
        except _TooLarge:
            await too_big(scope, receive, send)

    return limited


class _TooLarge(Exception):
    pass


def _token_gate(app: ASGI, settings: Settings, say: Locale) -> ASGI:
    """With a token, every request carries it: `?token=` (then a cookie) or the cookie."""

    async def gated(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or settings.token is None:
            await app(scope, receive, send)
            return
        request = Request(scope)
        given = request.query_params.get("token") or request.cookies.get(COOKIE) or ""
        given = request.headers.get("x-aftersales-token", given)
        if not hmac.compare_digest(given.encode(), settings.token.encode()):
            await PlainTextResponse(say.text("web.error.token"), status_code=403)(
                scope, receive, send
            )
            return
        if request.query_params.get("token"):
            # Once the cookie is set, the token leaves the address bar (and the history).
            rest = {k: v for k, v in request.query_params.items() if k != "token"}
            target = request.url.path + ("?" + urlencode(rest) if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(COOKIE, settings.token, httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        await app(scope, receive, send)

    return gated


def _headers(app: ASGI) -> ASGI:
    async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),  # no-referrer makes Origin "null"
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await app(scope, receive, sending)

    return with_headers


def create_app(settings: Settings) -> ASGI:
    """The workspace application over `settings.root`."""
    workspace = Workspace(settings.root)
    say = get_locale(settings.language)
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(data_dir("templates") / "web")),
        autoescape=True,
        undefined=StrictUndefined,
    )
    env.globals["t"] = say.text
    # a tier or component named by what names it (本省, 曳引机), not by its selector syntax
    env.globals["named"] = lambda path: " ".join(re.findall(r"=([^,\]]+)", path))
    # a field that names its item (the tier's region) is said by the item's other rows already
    env.globals["names_item"] = lambda path: bool(
        (m := re.search(r"\[([^\]]*)\]\.(\w+)$", path)) and f"{m[2]}=" in m[1]
    )
    static = data_dir("templates") / "web"

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            csrf=settings.csrf, lang=say.settings["html_lang"], **context
        )
        return HTMLResponse(html, status_code=status)

    def refuse(status: int, message: str) -> Response:
        return page("message.html.j2", status, message=message)

    def check_csrf(request: Request, form: FormData) -> bool:
        origin = request.headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host"):
            return False
        given = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
        return hmac.compare_digest(given.encode(), settings.csrf.encode())

    async def form_of(request: Request) -> FormData | Response:
        form = await request.form(max_files=0, max_fields=2000, max_part_size=MAX_BODY)
        if not check_csrf(request, form):
            return refuse(403, say.text("web.error.csrf"))
        return form

    def values(form: FormData) -> dict[str, str]:
        return {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("f:")}

    def removed(form: FormData) -> list[str]:
        """The tiers and components the form removes (`x:response.tiers[1]` checked)."""
        return [k[2:] for k, v in form.multi_items() if k.startswith("x:") and v]

    def approvals(form: FormData) -> dict[str, dict[str, str]]:
        """`a:<commitment>:<field>` → {commitment: {value, approved_by, reference}}."""
        out: dict[str, dict[str, str]] = {}
        for key, value in form.multi_items():
            if key.startswith("a:") and key.count(":") == 2:
                _, commitment, name = key.split(":")
                if name in ("value", "approved_by", "reference"):
                    out.setdefault(commitment, {})[name] = str(value)
        return out

    async def home(request: Request) -> Response:
        return page("home.html.j2", projects=workspace.projects(), root=str(workspace.root))

    async def new_version(request: Request) -> Response:
        form = await form_of(request)
        if isinstance(form, Response):
            return form
        project = str(form.get("project") or "")
        customer = str(form.get("customer") or "").strip()
        overlay = workspace.new_version_path(project, customer)
        query = {"project": project, "overlay": overlay, "customer": customer}
        if form.get("tender"):
            query["tender"] = str(form.get("tender"))
        return RedirectResponse("/edit?" + urlencode(query), status_code=303)

    async def edit(request: Request) -> Response:
        q = request.query_params
        project, overlay = q.get("project", ""), q.get("overlay", "")
        workspace.inside(project)
        path = workspace.inside(overlay)
        tender = q.get("tender") or None
        if tender:
            workspace.inside(tender)
        fields = workspace.form(project, overlay if path.exists() else None, settings.language)
        customer = q.get("customer") or (
            workspace.load(project, overlay).profile.customer if path.exists() else ""
        )
        tenders = [t for p in workspace.projects() if p.tender for t in [p.tender]]
        return page(
            "edit.html.j2",
            project=project,
            overlay=overlay,
            customer=customer or "",
            tender=tender or "",
            tenders=sorted(set(tenders)),
            fields=fields,
            approvals=workspace.approvals(project, overlay if path.exists() else None),
            new_rows=workspace.new_rows(settings.language),
            removed_rows=workspace.removed_rows(project, overlay, settings.language),
            base_hash=content_hash(path),
            exists=path.exists(),
            saved=_saved_message(say, overlay, q.get("saved")) if path.exists() else "",
        )

    def _evaluate(form: FormData) -> Evaluation:
        return workspace.evaluate(
            str(form.get("project") or ""),
            str(form.get("overlay") or ""),
            values(form),
            str(form.get("customer") or ""),
            str(form.get("tender") or "") or None,
            settings.language,
            approvals(form),
            removed(form),
        )

    async def evaluate(request: Request) -> Response:
        form = await form_of(request)
        if isinstance(form, Response):
            return form
        start = time.perf_counter()
        found = _evaluate(form)
        summary = env.get_template("summary.html.j2").render(e=found, verdict_word=say.verdict)
        return JSONResponse(
            {
                "ok": found.ok and not found.refusals,
                "errors": found.errors,
                "caps": found.caps,
                "verdicts": found.verdicts,
                "summary": summary,
                "ms": round((time.perf_counter() - start) * 1000, 1),
            }
        )

    async def preview(request: Request) -> Response:
        form = await form_of(request)
        if isinstance(form, Response):
            return form
        found = _evaluate(form)
        if found.resolved is None:
            return PlainTextResponse("", status_code=422)
        from generator.letter.compose import compose
        from generator.render.pdffile import render_html

        resolved = found.resolved
        letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs, language=say.name)
        return HTMLResponse(render_html(letter, say.fonts("pdf")))

    async def save(request: Request) -> Response:
        form = await form_of(request)
        if isinstance(form, Response):
            return form
        overlay = str(form.get("overlay") or "")
        found = _evaluate(form)
        if not found.ok:
            return JSONResponse({"ok": False, "errors": found.errors}, status_code=422)
        try:
            new_hash = workspace.save(overlay, found.overlay_text, str(form.get("base_hash")))
        except Conflict:
            return JSONResponse(
                {"ok": False, "conflict": True, "message": say.text("web.conflict", file=overlay)},
                status_code=409,
            )
        # Items added or removed change the form's rows: the page is opened again from the file.
        rows_changed = bool(removed(form)) or any("[+" in name for name in values(form))
        message = say.text("web.saved", file=overlay)
        if found.refusals:  # a draft: kept, but no document is made from it until approved
            message = say.text("web.saved_draft", file=overlay)
        return JSONResponse(
            {
                "ok": True,
                "hash": new_hash,
                "message": message,
                "reload": rows_changed,
                "draft": bool(found.refusals),
            }
        )

    async def download(request: Request) -> Response:
        kind = request.path_params["kind"]
        q = request.query_params
        project, overlay, tender = q.get("project", ""), q.get("overlay", ""), q.get("tender", "")
        path = workspace.inside(overlay)
        workspace.inside(project)
        if not path.exists():
            return refuse(409, say.text("web.download.unsaved"))
        try:
            data, name, media = _download(workspace, kind, project, overlay, tender, say)
        except GeneratorError as err:
            return refuse(422, say.text("web.download.refused", reason=str(err)))
        headers = {"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
        return Response(data, media_type=media, headers=headers)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("workspace.js", "workspace.css"):
            return refuse(404, say.text("web.error.not_found"))
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(static / name, media_type=media)

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, OutsideRoot):
            return refuse(404, say.text("web.error.outside"))
        if isinstance(exc, InputError):
            return refuse(422, str(exc))
        ident = uuid.uuid4().hex[:8]
        log.error("request %s failed (id %s)", request.url.path, ident, exc_info=exc)
        return refuse(500, say.text("web.error.internal", id=ident))

    routes = [
        Route("/", home),
        Route("/new", new_version, methods=["POST"]),
        Route("/edit", edit),
        Route("/api/evaluate", evaluate, methods=["POST"]),
        Route("/api/preview", preview, methods=["POST"]),
        Route("/save", save, methods=["POST"]),
        Route("/download/{kind}", download),
        Route("/static/{name}", asset),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts)],
        # Refusals of input are answers; anything else is a bug, logged with its id.
        exception_handlers={OutsideRoot: on_error, InputError: on_error, Exception: on_error},
    )
    return _headers(_size_limit(_token_gate(app, settings, say), say))


def _saved_message(say: Locale, overlay: str, saved: str | None) -> str:
    """The status an edit page opened again after a save shows (`?saved=1` or `=draft`)."""
    if saved == "draft":
        return say.text("web.saved_draft", file=overlay)
    return say.text("web.saved", file=overlay) if saved else ""


def _download(
    workspace: Workspace, kind: str, project: str, overlay: str, tender: str, say: Locale
) -> tuple[bytes, str, str]:
    """A document of the saved customer version, made as `render`/`check` make it: the render
    gate and the capacity guardrails refuse exactly as on the command line."""
    from generator.app.batch import Job, render_many

    pdf, docx = (
        "application/pdf",
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    )
    if kind == "check.xlsx":
        from generator.app.validate import review
        from generator.tender.check import check
        from generator.tender.sheets import xlsx_report

        loaded = workspace.tender(tender)
        if loaded is None:
            raise InputError([Problem(Location("tender"), "", say.text("web.no_tender"))])
        resolved = workspace.load(project, overlay)
        review(resolved).raise_errors()
        result = check(resolved, loaded[0], tender_where=loaded[1])
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return xlsx_report(result, locale=say), "check.xlsx", media
    wanted = {
        "letter.pdf": ("letter", "pdf"),
        "letter.docx": ("letter", "docx"),
        "deviation.pdf": ("deviation", "pdf"),
        "change.pdf": ("change", "pdf"),
    }
    if kind not in wanted:
        raise InputError([Problem(Location(kind[:40]), "", say.text("web.error.not_found"))])
    suffix, fmt = wanted[kind]
    job = Job(
        workspace.inside(project),
        (workspace.inside(overlay),),
        (),
        workspace.inside(tender) if tender and suffix == "deviation" else None,
    )
    with tempfile.TemporaryDirectory(prefix="aftersales-web-") as tmp:
        results = render_many([job], Path(tmp), (fmt,), change_note=suffix == "change")
        ending = f"-{say.file_suffix(suffix)}.{fmt}"
        (file,) = [w.path for r in results for w in r.files if w.path.name.endswith(ending)]
        return file.read_bytes(), file.name, pdf if fmt == "pdf" else docx


def serve(settings: Settings) -> None:
    """Run the workspace until interrupted."""
    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        server_header=False,
        limit_concurrency=64,
        timeout_keep_alive=5,
    )
