"""The company page's panels: what higher apps show about a company (its requests, its outreach).

They register in their AppConfig.ready(); see exportcenter/panels.py.
"""

from exportcenter.panels import Panels

company_page = Panels()
