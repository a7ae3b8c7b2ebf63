"""The admin of export outcomes."""
