"""Bodies of /api/auth."""

from typing import Literal, Self

from pydantic import EmailStr, Field, ValidationInfo, field_validator, model_validator

from models.commons import APIModel
from models.users import NewPasswordText, Role, User


class SignUp(APIModel):
    """POST /api/auth/signup."""

    email: EmailStr
    password: NewPasswordText
    first_name: str = Field(min_length=1, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    role: Literal[Role.GUEST, Role.HOST, Role.COORDINATOR] = Field(
        description="guest, host or coordinator; admins are made by admins."
    )


class SignIn(APIModel):
    """POST /api/auth/signin."""

    email: EmailStr
    password: str = Field(max_length=1024)


class UserWithMessage(APIModel):
    """A confirmation with the user it is about."""

    message: str
    user: User


class AccessToken(APIModel):
    """A fresh access token."""

    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


class SignedIn(AccessToken):
    """A signed-in user with an access token (the refresh token is in a cookie)."""

    user: User


class OAuth2Token(APIModel):
    """POST /api/auth/token: the OAuth2 password flow's answer (snake_case by that standard)."""

    access_token: str = Field(alias="access_token")
    token_type: Literal["bearer"] = Field(default="bearer", alias="token_type")


class ForgotPasswordConfirm(APIModel):
    """POST /api/auth/forgot-password/confirm."""

    email: EmailStr
    code: str = Field(min_length=1, max_length=32)
    password: NewPasswordText


class Invite(APIModel):
    """POST /api/auth/invite."""

    email: EmailStr
    first_name: str = Field(min_length=1, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    role: Role = Role.GUEST


class NewPasswordChallenge(APIModel):
    """GET /api/auth/confirm-invite: choose a password next, with this session."""

    challenge: Literal["NEW_PASSWORD_REQUIRED"] = "NEW_PASSWORD_REQUIRED"
    session: str
    user_id: str


SessionToken = Field(default=None, min_length=1, max_length=4096)


class NewPassword(APIModel):
    """POST /api/auth/new-password: `{session, password}`, or the web app's `{userId, sessionId,
    password, confirmPassword}` (the ids its `/create-password` page got from the redirect)."""

    session: str | None = SessionToken
    session_id: str | None = SessionToken
    user_id: str | None = Field(default=None, max_length=64)
    password: NewPasswordText
    confirm_password: str | None = Field(
        default=None, max_length=1024, description="When sent, must equal `password`."
    )

    @field_validator("confirm_password")
    @classmethod
    def _confirmed(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Compared only with a valid password: an invalid one has its own error already.
        if value is not None and "password" in info.data and value != info.data["password"]:
            raise ValueError("The passwords do not match.")
        return value

    @model_validator(mode="after")
    def _one_session(self) -> Self:
        if not (self.session or self.session_id):
            raise ValueError("Send the session from the invitation (`session` or `sessionId`).")
        return self

    @property
    def token(self) -> str:
        """The new-password session, whichever name it was sent under."""
        return str(self.session or self.session_id)
