import type { Messages } from './en.ts';

export const es: Messages = {
  errors: {
    invalid_request: 'La solicitud no es válida: {{details}}',
    not_found: 'Aquí no hay nada.',
    campaign_not_found: 'No hay ninguna retirada con ese nombre.',
    query_empty: 'Introduzca un número de serie (o un modelo) para comprobarlo.',
    serial_empty: 'Introduzca el número de serie impreso en su producto.',
    serial_too_long:
      'Es demasiado largo para un número de serie. Los números de serie tienen como máximo 40 letras y números.',
    serial_invalid_characters: 'Un número de serie solo tiene letras y números. Revise lo que ha escrito.',
    model_invalid: 'Eso no es un número de modelo. Los modelos se escriben como A1263.',
    country_invalid: 'El país debe ser un código de dos letras, como ES.',
    batch_empty: 'Envíe al menos un número de serie.',
    batch_too_large: 'Envíe como máximo {{max}} números de serie por solicitud; ha enviado {{count}}.',
    rate_limited: 'Demasiadas solicitudes. Espere {{seconds}} segundos y vuelva a intentarlo.',
    body_too_large: 'La solicitud es demasiado grande.',
    unsupported_media_type: 'Envíe la solicitud en JSON (Content-Type: application/json).',
    malformed_json: 'El cuerpo de la solicitud no es un JSON válido.',
    method_not_allowed: 'Ese método no está permitido aquí.',
    unavailable: 'El servicio se está iniciando o está ocupado. Inténtelo de nuevo en un momento.',
    internal:
      'Algo ha fallado por nuestra parte. Inténtelo de nuevo; si sigue ocurriendo, contacte con soporte.',
  },
  lookup: {
    affected: 'Su producto forma parte de una retirada. Deje de usarlo ya.',
    affected_model: 'El modelo {{model}} está retirado. Deje de usarlo ya.',
    not_affected: 'Este número de serie no forma parte de ninguna retirada que gestionemos.',
    did_you_mean:
      'No encontramos {{serial}}, pero sí un número de serie retirado que solo se diferencia en un carácter parecido. Revise la etiqueta: ¿quería decir {{suggestion}}?',
    claims_closed: 'Las reclamaciones de esta retirada están cerradas.',
    start_claim: 'Iniciar una reclamación',
  },
};
