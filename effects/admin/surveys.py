"""The admin of surveys."""
