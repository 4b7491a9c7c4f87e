// The Event Grid system topic of the data storage account. On Flex Consumption a blob trigger must use the Event Grid
// source (`Source = BlobTriggerSource.EventGrid` on IngestReturn's `[BlobTrigger]`): storage publishes BlobCreated here and the subscription
// (eventgrid-subscription.bicep) delivers it to the blob extension's webhook.

param name string
param location string
param tags object = {}
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
