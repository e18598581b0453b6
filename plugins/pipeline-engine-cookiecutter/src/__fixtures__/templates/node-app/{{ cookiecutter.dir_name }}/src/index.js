// {{ cookiecutter.description }} ({{ cookiecutter.dependencies|length }} dependencies)
{% for dep in cookiecutter.dependencies|list|sort -%}
const {{ dep|replace('-', '_') }} = require('{{ dep }}');
{% endfor %}
module.exports = { name: '{{ cookiecutter.name }}' };
