package outputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/dotenv"
)

// Format is how an output's settings are written to its file.
type Format interface {
	Name() string
	// CheckValue reports why a value cannot be written, with the fix.
	CheckValue(key, value string) error
	// Check reports why the output's own format settings are wrong.
	Check(secretName, namespace string) []Problem
	// Parse reads an existing target; an error means it is not this format
	// and provision refuses to merge into it.
	Parse(data []byte) (map[string]string, error)
	// Render returns the target's new content from its current one (nil
	// when absent), and whether it changed.
	Render(existing []byte, vars []Var, meta Meta) ([]byte, bool, error)
}

// Meta names what a format needs beyond the settings.
type Meta struct {
	SecretName, Namespace string
	// Scripter writes the commands of format script (the output's
	// preset, when it is one).
	Scripter Scripter
}

// formats is the registry of formats.
var formats = []Format{dotenvFormat{}, jsonFormat{}, k8sSecretFormat{}, jsonConfigFormat{}, scriptFormat{}}

// Formatter is a preset that is written in formats of its own (Immich's
// config file, Nextcloud's admin command): the first is its default, and
// no other format is allowed. Other presets take dotenv (default), json and
// kubernetes-secret.
type Formatter interface {
	Formats() []string
}

var commonFormats = []string{"dotenv", "json", "kubernetes-secret"}

// formatsOf lists the formats a preset may be written in, default first.
func formatsOf(p Preset) []string {
	if f, ok := p.(Formatter); ok {
		return f.Formats()
	}
	return commonFormats
}

// FormatOf returns the format named (default dotenv).
func FormatOf(name string) (Format, error) {
	if name == "" {
		name = "dotenv"
	}
	var names []string
	for _, f := range formats {
		if f.Name() == name {
			return f, nil
		}
		names = append(names, f.Name())
	}
	return nil, fmt.Errorf("format %q is not one of %s", name, strings.Join(names, ", "))
}

type dotenvFormat struct{}

func (dotenvFormat) Name() string { return "dotenv" }
func (dotenvFormat) CheckValue(key, value string) error {
	return dotenv.CheckValue(key, value)
}
func (dotenvFormat) Check(secretName, namespace string) []Problem {
	return metaOnlyForSecret(secretName, namespace)
}
func (dotenvFormat) Parse(data []byte) (map[string]string, error) {
	if len(data) > 0 && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		return nil, errors.New("it looks like JSON, not a .env file")
	}
	return dotenv.Parse(data)
}
func (dotenvFormat) Render(existing []byte, vars []Var, _ Meta) ([]byte, bool, error) {
	return dotenv.Render(existing, toDotenv(vars), true)
}

func toDotenv(vars []Var) []dotenv.Var {
	out := make([]dotenv.Var, len(vars))
	for i, v := range vars {
		out[i] = dotenv.Var{Key: v.Key, Value: v.Value, Secret: v.Secret}
	}
	return out
}

func metaOnlyForSecret(secretName, namespace string) []Problem {
	var ps []Problem
	if secretName != "" {
		ps = append(ps, problem("secret_name", "secret_name is for format: kubernetes-secret"))
	}
	if namespace != "" {
		ps = append(ps, problem("namespace", "namespace is for format: kubernetes-secret"))
	}
	return ps
}

// jsonFormat is one JSON object of strings. Keys provision does not write
// are kept.
type jsonFormat struct{}

func (jsonFormat) Name() string { return "json" }
func (jsonFormat) CheckValue(key, value string) error {
	if key == "" {
		return errors.New("a JSON key cannot be empty")
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("the value of %s is not valid UTF-8", key)
	}
	return nil
}
func (jsonFormat) Check(secretName, namespace string) []Problem {
	return metaOnlyForSecret(secretName, namespace)
}
func (jsonFormat) Parse(data []byte) (map[string]string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]string{}, nil
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errors.New("it is not a JSON object")
	}
	out := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out, nil
}
func (jsonFormat) Render(existing []byte, vars []Var, _ Meta) ([]byte, bool, error) {
	obj := map[string]any{}
	if len(bytes.TrimSpace(existing)) > 0 {
		if err := json.Unmarshal(existing, &obj); err != nil {
			return nil, false, errors.New("it is not a JSON object; provision does not merge into it")
		}
	}
	for _, v := range vars {
		obj[v.Key] = v.Value
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(obj); err != nil {
		return nil, false, err
	}
	return b.Bytes(), !bytes.Equal(b.Bytes(), existing), nil
}

// k8sSecretFormat is a v1 Secret manifest for kubectl apply -f, with the
// settings under stringData. The file is provision's: it is rewritten whole.
type k8sSecretFormat struct{}

// secretKeyRE is Kubernetes' IsConfigMapKey: [-._a-zA-Z0-9]+, at most 253.
var secretKeyRE = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

// dns1123Subdomain and dns1123Label are Kubernetes' name rules for a
// Secret's name (at most 253) and a namespace (at most 63).
var (
	dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	dns1123Label     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

func (k8sSecretFormat) Name() string { return "kubernetes-secret" }
func (k8sSecretFormat) CheckValue(key, value string) error {
	if len(key) > 253 || !secretKeyRE.MatchString(key) || key == "." || key == ".." {
		return fmt.Errorf("%q is not a valid Secret key: it must be letters, digits, '-', '_' and '.'", key)
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("the value of %s is not valid UTF-8, which stringData cannot hold", key)
	}
	return nil
}
func (k8sSecretFormat) Check(secretName, namespace string) []Problem {
	var ps []Problem
	if secretName != "" && (len(secretName) > 253 || !dns1123Subdomain.MatchString(secretName)) {
		ps = append(ps, problem("secret_name", "secret_name %q is not a valid Kubernetes name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", secretName))
	}
	if namespace != "" && (len(namespace) > 63 || !dns1123Label.MatchString(namespace)) {
		ps = append(ps, problem("namespace", "namespace %q is not a valid Kubernetes namespace: at most 63 lowercase letters, digits and '-'", namespace))
	}
	return ps
}

// secretDoc is the v1 Secret's documented shape, as provision writes it.
type secretDoc struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   secretMeta        `yaml:"metadata"`
	Type       string            `yaml:"type"`
	StringData map[string]string `yaml:"stringData"`
}

type secretMeta struct {
	Name      string            `yaml:"name"`
	Namespace string            `yaml:"namespace,omitempty"`
	Labels    map[string]string `yaml:"labels,omitempty"`
}

func (k8sSecretFormat) Parse(data []byte) (map[string]string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]string{}, nil
	}
	var d struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		StringData map[string]string `yaml:"stringData"`
	}
	if err := yaml.Unmarshal(data, &d); err != nil || d.APIVersion != "v1" || d.Kind != "Secret" {
		return nil, errors.New("it is not a v1 Secret manifest")
	}
	return d.StringData, nil
}

func (f k8sSecretFormat) Render(existing []byte, vars []Var, meta Meta) ([]byte, bool, error) {
	if _, err := f.Parse(existing); err != nil {
		return nil, false, fmt.Errorf("%w; provision does not overwrite it", err)
	}
	d := secretDoc{
		APIVersion: "v1", Kind: "Secret", Type: "Opaque",
		Metadata: secretMeta{Name: meta.SecretName, Namespace: meta.Namespace,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "provision"}},
		StringData: map[string]string{},
	}
	for _, v := range vars {
		d.StringData[v.Key] = v.Value
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return nil, false, err
	}
	_ = enc.Close()
	return b.Bytes(), !bytes.Equal(b.Bytes(), existing), nil
}
