"""The reference mock: a rest-json server for the Bedrock inference-profile operations that honours ``schemas/``.

It serves GetInferenceProfile, ListInferenceProfiles, CreateInferenceProfile and DeleteInferenceProfile over
HTTP/1.1, with system-defined profiles from a catalogue (``catalogue.json``, replaceable) and application
profiles it creates. Unmodified boto3 reaches it through ``AWS_ENDPOINT_URL_BEDROCK``::

    from bedrock_conformance.mock import MockServer

    with MockServer() as mock:
        os.environ["AWS_ENDPOINT_URL_BEDROCK"] = mock.url
        boto3.client("bedrock", region_name="us-east-1").get_inference_profile(
            inferenceProfileIdentifier="us.anthropic.claude-3-haiku-20240307-v1:0"
        )

Producing every modelled error on purpose:

- **Forcing one request.** The request header ``x-bedrock-conformance-force-error: <ErrorName>``, naming any
  error in ``schemas/errors.json`` ``$defs`` (today AccessDeniedException, InternalServerException,
  ResourceNotFoundException, ThrottlingException, ValidationException), makes the mock answer that error with
  its status and AWS's headers, before it looks at anything else; another name gets a 400. With boto3, add the
  header in a ``before-sign.bedrock.*`` event handler::

      def force(request, **_):
          request.headers["x-bedrock-conformance-force-error"] = "ThrottlingException"

      bedrock.meta.events.register("before-sign.bedrock.GetInferenceProfile", force)
- **Faults.** ``faults={"InternalServerException": 0.05}`` injects errors at random, repeatably for a ``seed``.
- **Throttling.** ``rate_limit=N`` gives each access key a token bucket of N requests a second.
- **Access denied.** ``deny=["key:AKIA*", "resource:*claude*", "action:bedrock:Delete*"]``.
- **Signatures.** Requests need a well-formed SigV4 ``Authorization`` for service ``bedrock``; with
  ``credentials={access_key: secret_key}`` signatures are verified too.

Every answer carries ``Server: bedrock-conformance-mock``: a run against a mock started by hand (``--target
http://...``) sees it and forces each modelled error with the header above.

The pytest plugin's ``bedrock_mock`` fixture yields a started ``MockServer`` and points
``AWS_ENDPOINT_URL_BEDROCK`` at it; ``bedrock-conformance mock`` serves one from the command line.
"""

from __future__ import annotations

from ._catalogue import CatalogueError
from ._server import SERVER, MockServer
from ._service import FORCE_ERROR_HEADER

__all__ = ["FORCE_ERROR_HEADER", "SERVER", "CatalogueError", "MockServer"]
