"""The request page's panels: what higher apps show about a request (its activities and follow-ups).

They register in their AppConfig.ready(); see exportcenter/panels.py.
"""

from exportcenter.panels import Panels

request_page = Panels()
