"""Texts for /api/images."""

UPLOAD_SUMMARY = "Upload an image"
UPLOAD_DESCRIPTION = """
Any signed-in user. Send `multipart/form-data` with the image in the field `file`. PNG, JPEG, GIF
and WebP are accepted, recognised by their content (the file name and declared type are ignored):
anything else is `415 UnsupportedMediaType`; more than 5 MiB is `413 PayloadTooLarge`. Use the
returned `id` as a user's `imageId` or in an event's `imageIds`.
"""

GET_SUMMARY = "Fetch an image"
GET_DESCRIPTION = """
**Public.** The bytes, with their `Content-Type`, `X-Content-Type-Options: nosniff`, a strong
`ETag` and `Cache-Control: public, max-age=31536000, immutable` (an image never changes). Send the
ETag back in `If-None-Match` to get `304 Not Modified` without the bytes.
"""

DELETE_SUMMARY = "Delete an image"
DELETE_DESCRIPTION = "Its uploader or an admin (`403` otherwise)."
