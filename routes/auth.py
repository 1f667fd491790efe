"""/api/auth: sign-up, sign-in, tokens, sign-out, passwords, invitations."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated

from fastapi import APIRouter, Body, Cookie, Depends, Form, Query, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import EmailStr

from config import errors
from config.errors import NotImplementedFeature
from config.settings import active_settings
from docs import auth as docs
from models.auth import (
    AccessToken,
    ForgotPasswordConfirm,
    Invite,
    NewPassword,
    NewPasswordChallenge,
    OAuth2Token,
    SignedIn,
    SignIn,
    SignUp,
    UserWithMessage,
)
from models.commons import Message
from models.users import EmailAddress
from routes.deps import ClientAddress, CoordinatorOrAdmin, CurrentUser, SessionId
from routes.http.error_responses import BROWSER_ERROR_PAGE, responses
from routes.http.links import accepts_html, app_page, see_other
from utils.flows import auth
from utils.flows.auth import SignedInSession

router = APIRouter(prefix="/api/auth", tags=["auth"])

REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = "/api/auth"
Code = Annotated[str, Query(min_length=1, max_length=32)]
RefreshCookie = Annotated[str | None, Cookie(alias=REFRESH_COOKIE, include_in_schema=False)]
# Where the web app shows the outcome of an e-mailed link (WEBAPP.md §6).
SIGNUP_CONFIRMED_PAGE = "/email-verification-success"
SIGNUP_FAILED_PAGE = "/email-verification-error"
CREATE_PASSWORD_PAGE = "/create-password"


def _redirects(description: str) -> dict[int | str, dict[str, object]]:
    return {303: {"description": description}}


class PasswordForm(OAuth2PasswordRequestForm):
    """The OAuth2 password form with every field bounded: the username becomes a rate-limit key,
    so an unbounded one would let each request store as much as the body carries."""

    # The override exists for its bounded Form() parameters, which pylint does not see.
    def __init__(  # pylint: disable=too-many-arguments,useless-parent-delegation
        self,
        *,
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        username: Annotated[str, Form(min_length=1, max_length=254)],
        password: Annotated[str, Form(max_length=1024, json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form(max_length=1024)] = "",
        client_id: Annotated[str | None, Form(max_length=256)] = None,
        client_secret: Annotated[
            str | None, Form(max_length=1024, json_schema_extra={"format": "password"})
        ] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


def _set_refresh_cookie(response: Response, session: SignedInSession) -> None:
    settings = active_settings()
    # Answers that carry tokens must not be kept by any cache (RFC 6749, section 5.1).
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        REFRESH_COOKIE,
        session.refresh_token,
        max_age=settings.REFRESH_TOKEN_DAYS * 24 * 3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.ENVIRONMENT == "production",
    )


def _signed_in(response: Response, session: SignedInSession) -> SignedIn:
    _set_refresh_cookie(response, session)
    return SignedIn(user=session.user, token=session.access_token, expires_in=session.expires_in)


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    summary=docs.SIGNUP_SUMMARY,
    description=docs.SIGNUP_DESCRIPTION,
    responses=responses(errors.EmailAlreadyRegistered, errors.WeakPassword, errors.TooManyRequests),
)
async def signup(body: SignUp, client: ClientAddress) -> UserWithMessage:
    user = await auth.register(body, client)
    return UserWithMessage(message="Account created; check your e-mail for the code.", user=user)


@router.get(
    "/signup/confirm",
    summary=docs.CONFIRM_SUMMARY,
    description=docs.CONFIRM_DESCRIPTION,
    response_model=Message,
    responses={
        **responses(errors.InvalidCode, errors.CodeExpired, errors.TooManyRequests),
        **_redirects(f"A browser: to {SIGNUP_CONFIRMED_PAGE} or {SIGNUP_FAILED_PAGE}."),
    },
    openapi_extra={BROWSER_ERROR_PAGE: {"page": SIGNUP_FAILED_PAGE}},
)
async def confirm_signup(
    email: Annotated[EmailStr, Query()], code: Code, client: ClientAddress, request: Request
) -> Message | Response:
    await auth.confirm_email(str(email), code, client)
    if accepts_html(request.scope):  # the e-mailed link, opened in a browser
        return see_other(app_page(SIGNUP_CONFIRMED_PAGE))
    return Message(message="E-mail address confirmed; you can sign in.")


@router.post(
    "/resend_confirmation_code",
    summary=docs.RESEND_SUMMARY,
    description=docs.RESEND_DESCRIPTION,
    responses=responses(errors.TooManyRequests),
)
async def resend_confirmation_code(body: EmailAddress, client: ClientAddress) -> Message:
    await auth.resend_confirmation(str(body.email), client)
    return Message(message="If the account waits for confirmation, a new code is on its way.")


@router.post(
    "/signin",
    summary=docs.SIGNIN_SUMMARY,
    description=docs.SIGNIN_DESCRIPTION,
    responses=responses(
        errors.InvalidCredentials,
        errors.EmailNotConfirmed,
        errors.InvitePending,
        errors.TooManyRequests,
    ),
)
async def signin(body: SignIn, response: Response, client: ClientAddress) -> SignedIn:
    session = await auth.sign_in(str(body.email), body.password, client)
    return _signed_in(response, session)


@router.post(
    "/token",
    summary=docs.TOKEN_SUMMARY,
    description=docs.TOKEN_DESCRIPTION,
    responses=responses(
        errors.InvalidCredentials,
        errors.EmailNotConfirmed,
        errors.InvitePending,
        errors.TooManyRequests,
    ),
)
async def token(
    form: Annotated[PasswordForm, Depends()], response: Response, client: ClientAddress
) -> OAuth2Token:
    session = await auth.sign_in(form.username, form.password, client)
    _set_refresh_cookie(response, session)
    return OAuth2Token(access_token=session.access_token)


@router.get(
    "/refresh",
    summary=docs.REFRESH_SUMMARY,
    description=docs.REFRESH_DESCRIPTION,
    responses=responses(errors.InvalidToken),
)
async def refresh(response: Response, refresh_token: RefreshCookie = None) -> AccessToken:
    session = await auth.refresh(refresh_token)
    _set_refresh_cookie(response, session)
    return AccessToken(token=session.access_token, expires_in=session.expires_in)


@router.get(
    "/session",
    summary=docs.SESSION_SUMMARY,
    description=docs.SESSION_DESCRIPTION,
    responses=responses(errors.InvalidToken),
)
async def resume_session(response: Response, refresh_token: RefreshCookie = None) -> SignedIn:
    return _signed_in(response, await auth.refresh(refresh_token))


@router.post(
    "/signout",
    summary=docs.SIGNOUT_SUMMARY,
    description=docs.SIGNOUT_DESCRIPTION,
)
async def signout(user: CurrentUser, session_id: SessionId, response: Response) -> Message:
    await auth.sign_out(user.id, session_id)
    response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax")
    return Message(message="Signed out.")


@router.post(
    "/forgot-password",
    summary=docs.FORGOT_SUMMARY,
    description=docs.FORGOT_DESCRIPTION,
    responses=responses(errors.TooManyRequests),
)
async def forgot_password(body: EmailAddress, client: ClientAddress) -> Message:
    await auth.forgot_password(str(body.email), client)
    return Message(message="If the account exists, a reset code is on its way.")


@router.post(
    "/forgot-password/confirm",
    summary=docs.FORGOT_CONFIRM_SUMMARY,
    description=docs.FORGOT_CONFIRM_DESCRIPTION,
    responses=responses(
        errors.InvalidCode, errors.CodeExpired, errors.TooManyRequests, errors.WeakPassword
    ),
)
async def forgot_password_confirm(body: ForgotPasswordConfirm, client: ClientAddress) -> Message:
    await auth.reset_password(str(body.email), body.code, body.password, client)
    return Message(message="Password changed; sign in with the new one.")


@router.post(
    "/invite",
    status_code=status.HTTP_201_CREATED,
    summary=docs.INVITE_SUMMARY,
    description=docs.INVITE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.EmailAlreadyRegistered),
)
async def invite(body: Invite, inviter: CoordinatorOrAdmin) -> UserWithMessage:
    user = await auth.invite(inviter, body)
    return UserWithMessage(message="Invitation sent.", user=user)


@router.get(
    "/confirm-invite",
    summary=docs.CONFIRM_INVITE_SUMMARY,
    description=docs.CONFIRM_INVITE_DESCRIPTION,
    response_model=NewPasswordChallenge,
    responses={
        **responses(errors.InvalidCode, errors.CodeExpired, errors.TooManyRequests),
        **_redirects(
            f"A browser: to {CREATE_PASSWORD_PAGE}?userId=&sessionId= or"
            f" {CREATE_PASSWORD_PAGE}?error=<message>."
        ),
    },
    openapi_extra={BROWSER_ERROR_PAGE: {"page": CREATE_PASSWORD_PAGE, "errorParam": "error"}},
)
async def confirm_invite(
    email: Annotated[EmailStr, Query()],
    code: Code,
    client: ClientAddress,
    request: Request,
    response: Response,
) -> NewPasswordChallenge | Response:
    challenge = await auth.confirm_invite(str(email), code, client)
    if accepts_html(request.scope):  # the e-mailed link: the app's page takes both ids
        page = app_page(CREATE_PASSWORD_PAGE, userId=challenge.user_id, sessionId=challenge.session)
        return see_other(page)
    response.headers["Cache-Control"] = "no-store"
    return challenge


@router.post(
    "/new-password",
    summary=docs.NEW_PASSWORD_SUMMARY,
    description=docs.NEW_PASSWORD_DESCRIPTION,
    responses=responses(errors.InvalidCode, errors.WeakPassword),
)
async def new_password(body: NewPassword, response: Response) -> SignedIn:
    session = await auth.complete_invite(body.token, body.password, body.user_id)
    return _signed_in(response, session)


@router.get(
    "/google",
    summary=docs.GOOGLE_SUMMARY,
    description=docs.GOOGLE_DESCRIPTION,
    responses=responses(errors.NotImplementedFeature),
)
async def google_redirect(
    redirect_uri: Annotated[str | None, Query(max_length=2048)] = None,
) -> Message:
    raise NotImplementedFeature(docs.GOOGLE_MESSAGE)


@router.post(
    "/google/sign_in",
    summary=docs.GOOGLE_SIGN_IN_SUMMARY,
    description=docs.GOOGLE_DESCRIPTION,
    responses=responses(errors.NotImplementedFeature),
)
async def google_sign_in(
    callback_uri: Annotated[str | None, Query(max_length=2048)] = None,
    body: Annotated[dict[str, object] | None, Body()] = None,
) -> SignedIn:
    raise NotImplementedFeature(docs.GOOGLE_MESSAGE)


@router.post(
    "/google/sign_up",
    summary=docs.GOOGLE_SIGN_UP_SUMMARY,
    description=docs.GOOGLE_DESCRIPTION,
    responses=responses(errors.NotImplementedFeature),
)
async def google_sign_up(
    callback_uri: Annotated[str | None, Query(max_length=2048)] = None,
    body: Annotated[dict[str, object] | None, Body()] = None,
) -> SignedIn:
    raise NotImplementedFeature(docs.GOOGLE_MESSAGE)


@router.get(
    "/secret",
    summary=docs.SECRET_SUMMARY,
    description=docs.SECRET_DESCRIPTION,
)
async def secret(user: CurrentUser) -> Message:
    return Message(message=f"Welcome, {user.first_name}: you are signed in as a {user.role}.")


@router.get(
    "/validate",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.VALIDATE_SUMMARY,
    description=docs.VALIDATE_DESCRIPTION,
)
async def validate(_: CurrentUser) -> Response:
    return Response(status_code=status.HTTP_204_NO_CONTENT)
