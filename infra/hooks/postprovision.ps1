# azd postprovision hook (Windows): same steps as postprovision.sh.
$ErrorActionPreference = 'Stop'
$root = (Resolve-Path "$PSScriptRoot/../..").Path
$package = Join-Path $root '.azure/kpi-package'
$function = if ($env:KPI_INGEST_FUNCTION) { $env:KPI_INGEST_FUNCTION } else { 'IngestReturn' }
$container = if ($env:KPI_RETURNS_CONTAINER) { $env:KPI_RETURNS_CONTAINER } else { 'returns' }

dotnet run --project (Join-Path $root 'functions/KpiPipeline.Cli') -c Release -- package --out $package --zip
if ($LASTEXITCODE -ne 0) { throw 'kpi package failed' }

az functionapp deployment source config-zip --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME --src "$package.zip"
if ($LASTEXITCODE -ne 0) { throw 'zip deployment failed' }

$hostName = az functionapp show --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME --query defaultHostName --output tsv
for ($attempt = 1; ; $attempt++) {
  $key = az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME --query systemKeys.blobs_extension --output tsv 2>$null
  if ($key) { break }
  if ($attempt -gt 30) { throw 'The host did not publish a blobs_extension key in 5 minutes; rerun: azd hooks run postprovision' }
  try { Invoke-WebRequest -Uri "https://$hostName/" -UseBasicParsing | Out-Null } catch { }
  Start-Sleep -Seconds 10
}

az deployment group create --resource-group $env:AZURE_RESOURCE_GROUP --name event-grid-subscription `
  --template-file (Join-Path $root 'infra/modules/eventgrid-subscription.bicep') `
  --parameters systemTopicName=$env:KPI_EVENT_GRID_TOPIC functionAppName=$env:AZURE_FUNCTION_APP_NAME `
               functionName=$function returnsContainer=$container --output none
if ($LASTEXITCODE -ne 0) { throw 'event subscription deployment failed' }
