from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms


class InvitationAcceptForm(forms.Form):
    """A new account from an invitation: the person's name, the username they will sign in with, and their own
    password (checked against the site's password rules by the service)."""

    # The lengths are the user table's columns: a longer entry gets a message, never a database error.
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter your last name"})
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="You sign in with this. Letters, digits and @ . + - _ only.",
        error_messages={"required": "Choose a username"},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 12 characters. Not a common password, and not like your name or e-mail address.",
        error_messages={"required": "Choose a password"},
    )
    password_again = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        error_messages={"required": "Type your password again"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs.update({"autocomplete": "given-name"})
        self.fields["last_name"].widget.attrs.update({"autocomplete": "family-name"})
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["password_again"].widget.attrs.update({"autocomplete": "new-password"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Field.text("password_again", field_width=20),
            Button("submit", "Create my account"),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "The passwords do not match")
        return cleaned
