"""The web UI's knobs: `Settings` plus what only the server needs, from the same `RECAP_*` env."""

from __future__ import annotations

from pydantic import Field, SecretStr

from index.settings import Settings


class UISettings(Settings):
    """`RECAP_UI_HOST`, `RECAP_UI_PORT`, `RECAP_UI_USER`/`RECAP_UI_PASSWORD` (basic auth when both are set),
    `RECAP_UI_MAX_UPLOAD_MB`."""

    # Loopback by default: the index and the recaps are the user's own; sharing them is a choice.
    ui_host: str = Field("127.0.0.1", description="Interface `recap serve` binds to.")
    ui_port: int = Field(7860, ge=1, le=65535, description="Port `recap serve` listens on.")
    ui_user: str = Field("", description="With ui_password: the login the UI asks for.")
    ui_password: SecretStr = Field(SecretStr(""), description="With ui_user: the password the UI asks for.")
    ui_max_upload_mb: float = Field(5.0, gt=0, le=100, description="Largest recap file the UI accepts.")
    ui_concurrency: int = Field(4, ge=1, le=64, description="Questions answered at once; more wait in a queue.")

    def auth(self) -> tuple[str, str] | None:
        """The (user, password) pair for Gradio's login, or None when auth is off."""
        password = self.ui_password.get_secret_value()
        return (self.ui_user, password) if self.ui_user and password else None
