// Delivers BlobCreated events for the returns container to the IngestReturn blob trigger (Event Grid source).
// The webhook needs the Functions host's 'blobs_extension' system key, which exists only once the code is deployed and
// the host has started, and Event Grid validates the endpoint when the subscription is created. So this module is
// deployed after the code: by the azd postprovision hook (infra/hooks/postprovision.sh, .ps1 on Windows; azure.yaml),
// which deploys the code and then this module, or by main.bicep with deployEventSubscription=true on a later provision.

param systemTopicName string
param functionAppName string

@description('The blob-trigger function that ingests uploads (its folder name, and the route the handler maps).')
param functionName string = 'IngestReturn'

@description('The container providers upload to (the path of IngestReturn's `[BlobTrigger("returns/{name}", Source = BlobTriggerSource.EventGrid)]`).')
param returnsContainer string = 'returns'

param subscriptionName string = 'ingest-return-uploads'

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var blobsExtensionKey = listKeys('${site.id}/host/default', '2024-04-01').systemKeys.blobs_extension

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${site.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // Every upload under returns/, whatever its name: a wrongly named file still gets a rejection report.
      subjectBeginsWith: '/blobServices/default/containers/${returnsContainer}/blobs/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output name string = subscription.name
