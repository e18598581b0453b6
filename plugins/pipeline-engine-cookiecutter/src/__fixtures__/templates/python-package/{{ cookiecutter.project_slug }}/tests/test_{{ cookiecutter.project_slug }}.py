#!/usr/bin/env python
"""Tests for `{{ cookiecutter.project_slug }}` package."""
{% if cookiecutter.use_pytest == 'y' -%}
import pytest
{% else %}
import unittest
{%- endif %}

from {{ cookiecutter.project_slug }} import {{ cookiecutter.project_slug }}
{%- if cookiecutter.use_pytest == 'y' %}


@pytest.fixture
def response():
    return None


def test_content(response):
    assert response is None
{%- else %}


class Test{{ cookiecutter.project_slug|title|replace('_', '') }}(unittest.TestCase):

    def test_000_something(self):
        """Test something."""
{%- endif %}
