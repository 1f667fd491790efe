"""Texts for /api/auth."""

SIGNUP_SUMMARY = "Create an account"
SIGNUP_DESCRIPTION = """
Public. Creates an account with the role `guest`, `host` or `coordinator` (admins are made by
admins) and e-mails a 6-digit confirmation code, valid 24 hours. The account is `unconfirmed` until
the code is sent to `GET /api/auth/signup/confirm`. E-mails are unique whatever their case
(`409 EmailAlreadyRegistered`). Passwords need 8–256 characters with a lower-case letter, an
upper-case letter, a digit and a symbol (`422 WeakPassword`, with `details` saying what is missing).
`lastName` may be empty (`""`), and keys the API does not know (the web app's `confirmPassword`)
are ignored. The e-mail carries the code and a link to `GET /api/auth/signup/confirm`.
At most 20 sign-ups a minute per client address (`429` with `Retry-After`).
"""

CONFIRM_SUMMARY = "Confirm an e-mail address"
CONFIRM_DESCRIPTION = """
Public. Accepts the code e-mailed at sign-up; the account becomes `active`. A wrong code is
`400 InvalidCode`, an old one `400 CodeExpired`; after 5 wrong tries of one code, `429` until a new
code is requested. Every account gets at most 20 code guesses a day across all its codes (then `429`
with `Retry-After`, however many new codes are sent).

The e-mailed link opens this route in a browser: a request that accepts `text/html` gets a
`303` to the web app's `/email-verification-success` page, or to `/email-verification-error` on
any failure (wrong, old or missing code, rate limit, ...). The app's pages are on `FRONTEND_URL`
when it is set, otherwise on this origin. JSON clients get the `200`/`4xx` JSON answers above.
"""

RESEND_SUMMARY = "Send the confirmation code again"
RESEND_DESCRIPTION = """
Public. E-mails a new confirmation code (the old one stops working) if the account waits for one.
The answer, its timing and what the request does are the same whether or not the account exists
(the look-up and the e-mail happen in the background), so it cannot be used to find out who has
an account. Rate limited.
"""

SIGNIN_SUMMARY = "Sign in"
SIGNIN_DESCRIPTION = """
Public. Answers the user, a short-lived access token (`expiresIn` seconds) for the
`Authorization: Bearer` header, and sets the `refresh_token` cookie (HttpOnly, SameSite=Lax, path
`/api/auth`) used by `/refresh` and `/session`. An unknown e-mail and a wrong password both give
`401 InvalidCredentials`. `403 EmailNotConfirmed` or `403 InvitePending` when the account is not
ready. Rate limited per e-mail and per client address (`429` with `Retry-After`).
"""

TOKEN_SUMMARY = "Sign in (OAuth2 password form)"
TOKEN_DESCRIPTION = """
Public. The same as sign-in, for the OAuth2 password flow: the form fields `username` (the e-mail)
and `password`; answers `{access_token, token_type}`. This is what the **Authorize** button of this
page uses. `username` has at most 254 characters (`422` otherwise).
"""

REFRESH_SUMMARY = "Get a new access token"
REFRESH_DESCRIPTION = """
Uses the `refresh_token` cookie: answers a new access token and rotates the cookie.

Parallel refreshes with one cookie are normal (a web app refreshes after each failed call and on
each page load): a cookie rotated **less than 30 seconds ago** still refreshes the same session,
and every such answer carries the session's current cookie, so the browser is left holding a
working one whichever answer arrives last. Presenting a rotated cookie after those 30 seconds ends
the whole session (someone copied it), and both parties must sign in again.

Refresh tokens are authenticated by the server: a cookie that was never issued (forged, altered,
or naming someone else's session) is `401 InvalidToken` and ends nothing. A session lasts
`REFRESH_TOKEN_DAYS` (14 by default) from its last rotation.
"""

SESSION_SUMMARY = "Resume a session"
SESSION_DESCRIPTION = """
Uses the `refresh_token` cookie exactly like `/refresh` (the same rotation, the same 30-second
grace for parallel calls with one cookie) and also answers the user: what a page load calls to
find out whether someone is signed in. Without a working cookie: `401 InvalidToken`.
"""

SIGNOUT_SUMMARY = "Sign out"
SIGNOUT_DESCRIPTION = """
Ends the current session: its access tokens get `401 SessionRevoked` from the next request on, its
refresh token stops working, and the cookie is cleared.
"""

FORGOT_SUMMARY = "Ask for a password reset code"
FORGOT_DESCRIPTION = """
Public. E-mails a 6-digit reset code if the account exists. The answer, its timing and what the
request does are the same either way (the look-up and the e-mail happen in the background). Rate
limited.
"""

FORGOT_CONFIRM_SUMMARY = "Reset the password with the e-mailed code"
FORGOT_CONFIRM_DESCRIPTION = """
Public. Sets the new password and ends every session of the user on every device. Rate limited
like sign-in; code guesses count against the account's 20 a day (`429` with `Retry-After`).
"""

INVITE_SUMMARY = "Invite someone"
INVITE_DESCRIPTION = """
Coordinators invite guests and hosts; admins invite anyone. The web app sends `{firstName,
lastName, email}` (`lastName` may be `""`); `middleName` is optional and `role` defaults to
`guest`. Creates the account with status `invited` and e-mails an invitation code with a link to
`GET /api/auth/confirm-invite`. An invited guest or host gets a case assigned to the
inviting coordinator.
"""

CONFIRM_INVITE_SUMMARY = "Accept an invitation"
CONFIRM_INVITE_DESCRIPTION = """
Public. Checks the invitation code and answers `{challenge: "NEW_PASSWORD_REQUIRED", session,
userId}`; send that `session` with the chosen password to `POST /api/auth/new-password` within an
hour.

The e-mailed invitation link opens this route in a browser: a request that accepts `text/html` gets
a `303` to the web app's `/create-password?userId=<id>&sessionId=<session>`, or on any failure to
`/create-password?error=<message>` (values URL-encoded; pages on `FRONTEND_URL` when set,
otherwise on this origin).

Rate limited like sign-in; code guesses count against the account's 20 a day (`429`).
"""

NEW_PASSWORD_SUMMARY = "Choose the first password of an invited account"
NEW_PASSWORD_DESCRIPTION = """
Public. Takes the `session` from `/confirm-invite` and a password: `{session, password}`, or the
web app's `{userId, sessionId, password, confirmPassword}` (`sessionId` is that session, `userId`
must be its user's id: `400 InvalidCode` otherwise). `confirmPassword`, when sent, must equal
`password` (`422 ValidationError` on `body.confirmPassword`). The account becomes `active` and the
user is signed in (as with `/signin`). Works once.
"""

SECRET_SUMMARY = "Check that you are signed in"
SECRET_DESCRIPTION = "Answers a message for any signed-in user; 401 otherwise."

VALIDATE_SUMMARY = "Validate an access token"
VALIDATE_DESCRIPTION = "204 when the access token is valid and its session live; 401 otherwise."

GOOGLE_SUMMARY = "Sign in with Google (not available)"
GOOGLE_SIGN_IN_SUMMARY = "Finish a Google sign-in (not available)"
GOOGLE_SIGN_UP_SUMMARY = "Finish a Google sign-up (not available)"
GOOGLE_DESCRIPTION = """
Public. The web app's Google buttons call these routes, but this service is its own identity
provider and has no Google client configured: every call answers `501 NotImplemented` in the
error shape (with `message` and `detail.message`, which the app shows). Sign up with an e-mail
address and password instead.
"""
GOOGLE_MESSAGE = "Google sign-in is not available; use your e-mail address and password."
