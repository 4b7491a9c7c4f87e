#!/bin/sh
# azd postprovision hook: package the function app (dotnet publish of the isolated worker), deploy it, then subscribe the blob trigger to upload events.
# azd exports the Bicep outputs (AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, KPI_EVENT_GRID_TOPIC, ...) to this shell.
# Needs: the .NET 10 SDK and the Azure CLI signed in to the same subscription (az login).
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd hooks run postprovision)}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${KPI_EVENT_GRID_TOPIC:?}"
: "${KPI_INGEST_FUNCTION:=IngestReturn}"
: "${KPI_RETURNS_CONTAINER:=returns}"

root="$(cd "$(dirname "$0")/../.." && pwd)"
package="$root/.azure/kpi-package"

echo "Packaging the function app..."
dotnet run --project "$root/functions/KpiPipeline.Cli" -c Release -- package --out "$package" --zip

echo "Deploying $package.zip to $AZURE_FUNCTION_APP_NAME..."
az functionapp deployment source config-zip \
  --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" --src "$package.zip"

# The blobs_extension key appears once the host has started with the blob trigger loaded.
echo "Waiting for the Functions host's blobs_extension key..."
attempt=0
until [ -n "$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension --output tsv 2>/dev/null)" ]; do
  attempt=$((attempt + 1))
  if [ "$attempt" -gt 30 ]; then
    echo "The host did not publish a blobs_extension key in 5 minutes; check the app's logs, then rerun: azd hooks run postprovision" >&2
    exit 1
  fi
  curl --silent --output /dev/null "https://$(az functionapp show --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" --query defaultHostName --output tsv)/" || true
  sleep 10
done

echo "Subscribing $KPI_INGEST_FUNCTION to BlobCreated events of $KPI_RETURNS_CONTAINER/..."
az deployment group create --resource-group "$AZURE_RESOURCE_GROUP" --name event-grid-subscription \
  --template-file "$root/infra/modules/eventgrid-subscription.bicep" \
  --parameters systemTopicName="$KPI_EVENT_GRID_TOPIC" functionAppName="$AZURE_FUNCTION_APP_NAME" \
               functionName="$KPI_INGEST_FUNCTION" returnsContainer="$KPI_RETURNS_CONTAINER" \
  --output none

echo "Deployed. Upload reference data next (docs/deploy.md, 'Configure reference data and targets')."
