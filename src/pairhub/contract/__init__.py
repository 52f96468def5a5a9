"""The Datahub contract: canonical events rendered into the seed's v1/v2 payloads, and their schemas."""
