"""Staff: named accounts with roles (`accounts`), their passwords (`passwords`) and their
server-side sessions (`sessions`)."""

from app.services.staff.accounts import (authenticate, change_password, create_staff, list_staff, reset_password,
                                         set_active, set_password)

__all__ = ["authenticate", "change_password", "create_staff", "list_staff", "reset_password", "set_active",
           "set_password"]
