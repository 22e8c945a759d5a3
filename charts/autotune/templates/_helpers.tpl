{{/* The chart name, overridable. */}}
{{- define "autotune.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name every resource is named from: the release name, with the chart name unless it already holds it. */}}
{{- define "autotune.fullname" -}}
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

{{/* chart label: name-version. */}}
{{- define "autotune.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels. */}}
{{- define "autotune.labels" -}}
helm.sh/chart: {{ include "autotune.chart" . }}
{{ include "autotune.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: autotune
{{- end }}

{{/* Selector labels. */}}
{{- define "autotune.selectorLabels" -}}
app.kubernetes.io/name: {{ include "autotune.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "autotune.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "autotune.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Whether leader election is on: forced by leaderElection.enabled, else on exactly when replicas > 1. */}}
{{- define "autotune.leaderElection" -}}
{{- if kindIs "bool" .Values.leaderElection.enabled }}
{{- ternary "true" "" .Values.leaderElection.enabled }}
{{- else if gt (int .Values.replicas) 1 }}
{{- "true" }}
{{- end }}
{{- end }}

{{- define "autotune.leaseName" -}}
{{- default (include "autotune.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "autotune.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.leaseNamespace }}
{{- end }}

{{/* The operator's RBAC rules: files/kubernetes-access.yaml, a copy of operator/Autotune.Operator/Kubernetes/kubernetes-access.yaml kept identical by a test. */}}
{{- define "autotune.rules" -}}
{{- (.Files.Get "files/kubernetes-access.yaml" | fromYaml).rules | toJson }}
{{- end }}

{{/* The image reference. */}}
{{- define "autotune.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
