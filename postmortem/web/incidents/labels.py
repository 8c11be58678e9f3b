"""Errors people can act on: each names its field by the label they see."""

from postmortem.domain.errors import DomainError

# Domain names with no field of their own on the form, as people call them.
NAMES = {
    "component_statuses": "Component status changes",
    "components": "Affected components",
    "version": "Version",
    "body": "Form",
    "csv": "CSV",
    "from": "From (UTC)",
    "to": "To (UTC)",
}
# Domain names whose form field is named otherwise.
FIELDS = {"from": "start", "to": "end"}


def apply_errors(form, exc: DomainError) -> None:
    """Show domain errors beside the fields they name; the others (and a
    message with no field) go to the top of the form, by their label."""
    for name, message in exc.fields.items():
        field = getattr(form, FIELDS.get(name, name), None)
        if field is not None and hasattr(field, "errors") \
                and field.type != "HiddenField":
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(f"{NAMES.get(name, name)}: {message}")
    if not exc.fields:
        form.form_errors.append(exc.message)


def summary(form) -> list[tuple[str, str]]:
    """(field id, "Label message") for the error summary, in form order."""
    out = [("", message) for message in form.form_errors]
    for field in form:
        for message in field.errors if isinstance(field.errors, list) else []:
            out.append((field.id, f"{field.label.text} {message}"))
    return out
