from enum import StrEnum


class OAuth2ClientCredentialsInType(StrEnum):
    OAUTH2CLIENTCREDENTIALS = "oauth2ClientCredentials"

    def __str__(self) -> str:
        return str(self.value)
