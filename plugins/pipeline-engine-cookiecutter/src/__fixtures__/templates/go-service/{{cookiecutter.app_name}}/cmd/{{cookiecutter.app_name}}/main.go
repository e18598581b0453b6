package main

import (
	"fmt"
	"net/http"
)

// {{ cookiecutter.app_name|replace('-', '')|capitalize }}Handler answers on /healthz.
func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "{{ cookiecutter.app_name }} ok")
	})
	_ = http.ListenAndServe(":{{ cookiecutter.port|int }}", nil)
}
