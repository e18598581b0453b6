#!/bin/sh
set -eu
# Builds {{ cookiecutter.app_name }} for {{ cookiecutter.go_version }}.
go build -o bin/{{ cookiecutter.app_name }} ./cmd/{{ cookiecutter.app_name }}
