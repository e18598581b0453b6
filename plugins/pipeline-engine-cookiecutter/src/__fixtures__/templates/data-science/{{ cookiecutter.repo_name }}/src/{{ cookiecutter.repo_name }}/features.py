"""Feature engineering for {{ cookiecutter.project_name }}."""

FEATURES = {{ ['tenure', 'plan', 'usage']|tojson }}
AUTHOR = {{ cookiecutter.author_name|tojson }}
