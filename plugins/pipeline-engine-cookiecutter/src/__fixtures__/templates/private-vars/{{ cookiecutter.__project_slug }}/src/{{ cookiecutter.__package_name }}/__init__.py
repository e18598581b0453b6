NAME = '{{ cookiecutter.project_name }}'
VERSION = '{{ cookiecutter.version }}'
