"""The MQTT broker: where it is, whether we are connected, and a client that acknowledges on request."""
