{{- define "sample-stack.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sample-stack.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sample-stack.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels; pass a dict with "ctx" (the root) and "component". */}}
{{- define "sample-stack.labels" -}}
helm.sh/chart: {{ include "sample-stack.chart" .ctx }}
{{ include "sample-stack.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: autotune-sample-stack
{{- end }}

{{- define "sample-stack.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sample-stack.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Names of the parts. */}}
{{- define "sample-stack.api" -}}{{ include "sample-stack.fullname" . }}-api{{- end }}
{{- define "sample-stack.postgres" -}}{{ include "sample-stack.fullname" . }}-postgres{{- end }}
{{- define "sample-stack.redis" -}}{{ include "sample-stack.fullname" . }}-redis{{- end }}
{{/* The tuning ConfigMap the operator writes (key tuning.json) and the API's pods mount: <ApiTuning name>-autotune. */}}
{{- define "sample-stack.tuningConfigMap" -}}{{ include "sample-stack.api" . }}-autotune{{- end }}
{{/*
The opt-in that lets the sample's ApiTuning (named like the API) use an object: on the API's Deployment, the admin
Secret and the PostgreSQL StatefulSet. Without it the operator refuses to read or change them (docs/security.md).
*/}}
{{- define "sample-stack.allowTuning" -}}
autotune.dev/allow-tuning: {{ include "sample-stack.api" . | quote }}
{{- end }}
{{/* The Secret holding the operator's PostgreSQL connection string (spec.postgres.adminSecretRef). */}}
{{- define "sample-stack.pgAdminSecret" -}}{{ include "sample-stack.postgres" . }}-admin{{- end }}

{{/*
A secret value: the one given, else the one already in the cluster's Secret (so upgrades keep it), else a new
random one. Pass a dict: ctx, secret (name), key, value.
*/}}
{{- define "sample-stack.secretValue" -}}
{{- if .value }}
{{- .value }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- if and $existing (index ($existing.data | default dict) .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 24 }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sample-stack.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}
